// Earliest-spike pooling (the time-to-first-spike analogue of max pooling): each p x p window of a
// channel (stride p, windows that do not fit are dropped) emits the earliest spike time in it.
//   tIn  i32 [h][w][cs] (a layer's tOut; only the first c of cs lanes are read)
//   tOut i32 [h/p][w/p][c] (unpadded: the next layer's input layout)
//   arg  i32 [h/p][w/p][c]: index into tIn of the winner, the first in raster order on ties (also
//        for a silent window, whose time is then the silent time and which receives no error)
// Scalar: it touches each input once and costs far less than the layers around it.
export function stidi_pool_min(tIn: usize, h: i32, w: i32, c: i32, cs: i32, p: i32, tOut: usize, arg: usize): void {
  const ho = h / p, wo = w / p;
  for (let oy = 0; oy < ho; oy++) {
    for (let ox = 0; ox < wo; ox++) {
      for (let ch = 0; ch < c; ch++) {
        let best = 0x7fffffff, at = -1;
        for (let dy = 0; dy < p; dy++) {
          for (let dx = 0; dx < p; dx++) {
            const i = ((oy * p + dy) * w + ox * p + dx) * cs + ch;
            const t = load<i32>(tIn + (<usize>i << 2));
            if (t < best) { best = t; at = i; }
          }
        }
        const o = <usize>((oy * wo + ox) * c + ch) << 2;
        store<i32>(tOut + o, best);
        store<i32>(arg + o, at);
      }
    }
  }
}
