// The HDF5 C library (Debian's libhdf5-dev, serial build), plus inline wrappers for what Swift cannot import:
// HDF5 spells its predefined types and flags as macros that expand to `(H5open(), H5T_NATIVE_FLOAT_g)`, and its
// link-visiting callback type changed between 1.10 and 1.12.
#ifndef MLCORE_CHDF5_SHIM_H
#define MLCORE_CHDF5_SHIM_H
#include <hdf5.h>

static inline hid_t mlcore_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t mlcore_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t mlcore_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t mlcore_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t mlcore_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t mlcore_h5s_all(void) { return H5S_ALL; }
static inline unsigned mlcore_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned mlcore_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }

/// Turns off HDF5's default error printing (MLCore reports its own errors). Returns a negative value on failure.
static inline herr_t mlcore_h5_silence_errors(void) { return H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

typedef void (*mlcore_h5_name_callback)(const char *name, void *context);

typedef struct {
    mlcore_h5_name_callback callback;
    void *context;
} mlcore_h5_visit_state;

#if H5_VERSION_GE(1, 12, 0)
static inline herr_t mlcore_h5_visit_link(hid_t group, const char *name, const H5L_info2_t *info, void *data) {
#else
static inline herr_t mlcore_h5_visit_link(hid_t group, const char *name, const H5L_info_t *info, void *data) {
#endif
    (void)group;
    (void)info;
    mlcore_h5_visit_state *state = (mlcore_h5_visit_state *)data;
    state->callback(name, state->context);
    return 0;
}

/// Calls `callback` with the path (relative to `group`) of every link below `group`, in name order.
static inline herr_t mlcore_h5_visit_links(hid_t group, mlcore_h5_name_callback callback, void *context) {
    mlcore_h5_visit_state state = {callback, context};
#if H5_VERSION_GE(1, 12, 0)
    return H5Lvisit2(group, H5_INDEX_NAME, H5_ITER_INC, mlcore_h5_visit_link, &state);
#else
    return H5Lvisit(group, H5_INDEX_NAME, H5_ITER_INC, mlcore_h5_visit_link, &state);
#endif
}

#endif
