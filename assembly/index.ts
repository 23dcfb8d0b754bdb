// The one list of exports the host sees. Every SIMD kernel `x_simd` has a scalar twin `x_ref`
// with the same signature; src/wasm/kernels.ts registers the pairs and test/ compares them.
export { module_data_end } from "./layout";
export { mem_zero } from "./dense/zero";
export { ttfs_sort_events_simd, ttfs_sort_events_ref } from "./ttfs/events";
export { ttfs_encode_events_simd, ttfs_encode_events_ref } from "./ttfs/encode";
export { ttfs_count_fired_simd, ttfs_count_fired_ref } from "./ttfs/fired";
export { ttfs_mark_rows_simd, ttfs_mark_rows_ref, ttfs_clear_rows_simd, ttfs_clear_rows_ref, ttfs_add_rows_simd, ttfs_add_rows_ref } from "./ttfs/touched";
export { ttfs_forward_f32_simd, ttfs_forward_f32_ref } from "./ttfs/forward_f32";
export { ttfs_forward_bin_i16_simd, ttfs_forward_bin_i16_ref, ttfs_forward_bin_popc } from "./ttfs/forward_bin";
export { ttfs_update_f32_simd, ttfs_update_f32_ref } from "./ttfs/update_f32";
export { ttfs_backprop_f32_simd, ttfs_backprop_f32_ref } from "./ttfs/backprop_f32";
export { ttfs_grad_accum_f32_simd, ttfs_grad_accum_f32_ref } from "./ttfs/grad_f32";
export { ttfs_sign_counts_i16_simd, ttfs_sign_counts_i16_ref } from "./ttfs/sign_counts";
export { f32_add_simd, f32_add_ref, f32_div_scalar_simd, f32_div_scalar_ref, f32_sgd_step_simd, f32_sgd_step_ref, f32_sign_i16_simd, f32_sign_i16_ref, f32_nonfinite_any, f32_max_abs_simd, f32_max_abs_ref, f32_l2_normalise_simd, f32_l2_normalise_ref } from "./dense/vec_f32";
export { f32_gemm_tn_acc_simd, f32_gemm_tn_acc_ref } from "./dense/gemm_f32";
export { f32_softmax_xent_grad } from "./dense/softmax_f32";
export { f32_adam_step_simd, f32_adam_step_ref } from "./dense/adam_f32";
export { bin_pack_signs, bin_pack_u8_planes } from "./binary/pack";
export { bin_xnor_gemv_popc, bin_xnor_gemv_ref, bin_andpopc_planes_gemv_popc, bin_andpopc_planes_gemv_ref } from "./binary/gemv";
export { bin_ste_backprop_simd, bin_ste_backprop_ref } from "./binary/ste_backprop";
export { probe_f32_fma_peak, probe_f32_divsqrt_peak, probe_f32_add_latency, probe_f32_add_peak, probe_popcnt_peak, probe_stream_read, probe_stream_update, probe_stream_copy, probe_gather_rows, probe_gather_rows4 } from "./bench/probes";
// proxy learning (conv nets, batch norm, IF dynamics)
export { f32_gemm_nn_acc_simd, f32_gemm_nn_acc_ref, f32_gemm_tn_any_simd, f32_gemm_tn_any_ref, f32_gemm_tn_set_simd, f32_gemm_tn_set_ref, f32_gemm_nn_set_simd, f32_gemm_nn_set_ref } from "./dense/gemm_nn_f32";
export { f32_gemm_nt_acc_simd, f32_gemm_nt_acc_ref } from "./dense/gemm_nt_f32";
export { f32_im2col, f32_col2im_simd, f32_col2im_ref } from "./dense/im2col_f32";
export { f32_plane_stats_fast, f32_plane_stats_ref, f32_plane_sums_fast, f32_plane_sums_ref, f32_affine_planes_simd, f32_affine_planes_ref, f32_bn_bwd_planes_simd, f32_bn_bwd_planes_ref } from "./dense/norm_f32";
export { f32_relu_simd, f32_relu_ref, f32_relu_bwd_simd, f32_relu_bwd_ref } from "./dense/act_f32";
export { f32_maxpool2_simd, f32_maxpool2_ref, f32_maxpool2_bwd } from "./dense/pool_f32";
export { if_step_simd, if_step_ref } from "./if/if_f32";
export { if_conv_gather_simd, if_conv_gather_ref, if_fc_gather_simd, if_fc_gather_inputmajor_simd, if_fc_gather_ref, f32_transpose_simd, f32_transpose_ref } from "./if/spike_gather";
export { stidi_forward_f32_simd, stidi_forward_f32_ref, stidi_forward_stepped_f32 } from "./stidi/forward";
export { stidi_pool_min_simd, stidi_pool_min_ref } from "./stidi/pool";
export { stidi_grad_f32_simd, stidi_grad_f32_ref, stidi_backprop_f32_simd, stidi_backprop_f32_ref } from "./stidi/learn";
