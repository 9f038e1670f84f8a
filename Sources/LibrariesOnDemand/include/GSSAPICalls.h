// The GSSAPI calls libpq makes (GSSAPI encryption, `gssencmode`, and Kerberos authentication), as
// MIT Kerberos's <gssapi/gssapi.h> declares them: the structures libpq reads have their layout,
// the handles are opaque.
#ifndef GSSAPI_CALLS_H
#define GSSAPI_CALLS_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t OM_uint32;
typedef OM_uint32 gss_qop_t;
typedef int gss_cred_usage_t;
typedef struct gss_buffer_desc_struct {
    size_t length;
    void *value;
} gss_buffer_desc, *gss_buffer_t;
typedef struct gss_OID_desc_struct {
    OM_uint32 length;
    void *elements;
} gss_OID_desc, *gss_OID;
typedef struct gss_OID_set_desc_struct *gss_OID_set;
typedef struct gss_name_struct *gss_name_t;
typedef struct gss_cred_id_struct *gss_cred_id_t;
typedef struct gss_ctx_id_struct *gss_ctx_id_t;
typedef struct gss_channel_bindings_struct *gss_channel_bindings_t;

/// The name type of `service@host` names (a copy of Kerberos's, GSSAPI.c).
extern gss_OID const GSS_C_NT_HOSTBASED_SERVICE;

OM_uint32 gss_acquire_cred(
    OM_uint32 *minor, gss_name_t desiredName, OM_uint32 timeRequested, gss_OID_set desiredMechanisms,
    gss_cred_usage_t usage, gss_cred_id_t *credential, gss_OID_set *actualMechanisms, OM_uint32 *timeGranted);
OM_uint32 gss_delete_sec_context(OM_uint32 *minor, gss_ctx_id_t *context, gss_buffer_t outputToken);
OM_uint32 gss_display_status(
    OM_uint32 *minor, OM_uint32 status, int statusType, gss_OID mechanism, OM_uint32 *messageContext,
    gss_buffer_t statusString);
OM_uint32 gss_import_name(OM_uint32 *minor, gss_buffer_t inputName, gss_OID nameType, gss_name_t *outputName);
OM_uint32 gss_init_sec_context(
    OM_uint32 *minor, gss_cred_id_t credential, gss_ctx_id_t *context, gss_name_t targetName, gss_OID mechanism,
    OM_uint32 requestFlags, OM_uint32 timeRequested, gss_channel_bindings_t channelBindings, gss_buffer_t inputToken,
    gss_OID *actualMechanism, gss_buffer_t outputToken, OM_uint32 *returnFlags, OM_uint32 *timeGranted);
OM_uint32 gss_release_buffer(OM_uint32 *minor, gss_buffer_t buffer);
OM_uint32 gss_release_cred(OM_uint32 *minor, gss_cred_id_t *credential);
OM_uint32 gss_release_name(OM_uint32 *minor, gss_name_t *name);
OM_uint32 gss_unwrap(
    OM_uint32 *minor, gss_ctx_id_t context, gss_buffer_t input, gss_buffer_t output, int *confidential,
    gss_qop_t *quality);
OM_uint32 gss_wrap(
    OM_uint32 *minor, gss_ctx_id_t context, int confidential, gss_qop_t quality, gss_buffer_t input,
    int *confidentialState, gss_buffer_t output);
OM_uint32 gss_wrap_size_limit(
    OM_uint32 *minor, gss_ctx_id_t context, int confidential, gss_qop_t quality, OM_uint32 outputSize,
    OM_uint32 *maximumInputSize);

#endif
