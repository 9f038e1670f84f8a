// Kerberos's GSSAPI library, opened on the first GSSAPI call libpq makes (LibrariesOnDemand.h says
// why). libpq makes one at every TCP connect when `gssencmode` is `prefer` or `require`, and when
// a server asks for Kerberos authentication.
#include "GSSAPICalls.h"
#include "OnDemandLibrary.h"

static const char *const names[] = {"libgssapi_krb5.so.2"};
static const char *const symbols[] = {
    "gss_acquire_cred", "gss_delete_sec_context", "gss_display_status", "gss_import_name", "gss_init_sec_context",
    "gss_release_buffer", "gss_release_cred", "gss_release_name", "gss_unwrap", "gss_wrap", "gss_wrap_size_limit"};
static struct OnDemandLibrary libgssapi = {
    names, 1, symbols, sizeof symbols / sizeof symbols[0],
    "gssencmode or Kerberos authentication needs MIT Kerberos's libgssapi_krb5.so.2 (Debian package "
    "libgssapi-krb5-2), which could not be used",
    NULL, PTHREAD_ONCE_INIT};

static void openLibgssapi(void) { onDemandOpen(&libgssapi); }

/// The GSSAPI library's symbol `name`, or NULL when the library cannot be used.
static void *resolve(const char *name) { return onDemandResolve(&libgssapi, openLibgssapi, name); }

/// GSS_C_NT_HOSTBASED_SERVICE: the name type of `service@host` names, which libpq gives
/// `gss_import_name`. Kerberos compares name types by value, so this copy of its OID
/// (1.2.840.113554.1.2.1.4) serves as well as the library's own.
static gss_OID_desc hostBasedService = {10, "\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04"};
gss_OID const GSS_C_NT_HOSTBASED_SERVICE = &hostBasedService;

/// GSS_S_FAILURE, the answer of every call when the library cannot be used: libpq then
/// connects without GSSAPI encryption (`gssencmode=prefer`) or says why it cannot.
#define UNAVAILABLE (13u << 16)

/// Without the library, the text of a GSSAPI status (`GSS_C_GSS_CODE`, 1) says so, and libpq
/// prints it; a mechanism status has no text then (libpq stops at the failure).
OM_uint32 gss_display_status(
    OM_uint32 *minor, OM_uint32 status, int statusType, gss_OID mechanism, OM_uint32 *messageContext,
    gss_buffer_t statusString) {
    __typeof__(gss_display_status) *real = (__typeof__(gss_display_status) *)resolve("gss_display_status");
    if (real != NULL) return real(minor, status, statusType, mechanism, messageContext, statusString);
    static char unavailable[] = "libgssapi_krb5 is not loaded";
    *minor = 0;
    *messageContext = 0;
    statusString->length = statusType == 1 ? sizeof unavailable - 1 : 0;
    statusString->value = statusType == 1 ? unavailable : NULL;
    return statusType == 1 ? 0 : UNAVAILABLE;
}

FORWARD(OM_uint32, gss_import_name, UNAVAILABLE,
        (OM_uint32 *minor, gss_buffer_t inputName, gss_OID nameType, gss_name_t *outputName),
        (minor, inputName, nameType, outputName))

FORWARD(OM_uint32, gss_acquire_cred, UNAVAILABLE,
        (OM_uint32 *minor, gss_name_t desiredName, OM_uint32 timeRequested, gss_OID_set desiredMechanisms,
         gss_cred_usage_t usage, gss_cred_id_t *credential, gss_OID_set *actualMechanisms, OM_uint32 *timeGranted),
        (minor, desiredName, timeRequested, desiredMechanisms, usage, credential, actualMechanisms, timeGranted))
FORWARD(OM_uint32, gss_delete_sec_context, UNAVAILABLE,
        (OM_uint32 *minor, gss_ctx_id_t *context, gss_buffer_t outputToken), (minor, context, outputToken))
FORWARD(OM_uint32, gss_init_sec_context, UNAVAILABLE,
        (OM_uint32 *minor, gss_cred_id_t credential, gss_ctx_id_t *context, gss_name_t targetName, gss_OID mechanism,
         OM_uint32 requestFlags, OM_uint32 timeRequested, gss_channel_bindings_t channelBindings,
         gss_buffer_t inputToken, gss_OID *actualMechanism, gss_buffer_t outputToken, OM_uint32 *returnFlags,
         OM_uint32 *timeGranted),
        (minor, credential, context, targetName, mechanism, requestFlags, timeRequested, channelBindings, inputToken,
         actualMechanism, outputToken, returnFlags, timeGranted))
FORWARD(OM_uint32, gss_release_buffer, UNAVAILABLE, (OM_uint32 *minor, gss_buffer_t buffer), (minor, buffer))
FORWARD(OM_uint32, gss_release_cred, UNAVAILABLE, (OM_uint32 *minor, gss_cred_id_t *credential), (minor, credential))
FORWARD(OM_uint32, gss_release_name, UNAVAILABLE, (OM_uint32 *minor, gss_name_t *name), (minor, name))
FORWARD(OM_uint32, gss_unwrap, UNAVAILABLE,
        (OM_uint32 *minor, gss_ctx_id_t context, gss_buffer_t input, gss_buffer_t output, int *confidential,
         gss_qop_t *quality),
        (minor, context, input, output, confidential, quality))
FORWARD(OM_uint32, gss_wrap, UNAVAILABLE,
        (OM_uint32 *minor, gss_ctx_id_t context, int confidential, gss_qop_t quality, gss_buffer_t input,
         int *confidentialState, gss_buffer_t output),
        (minor, context, confidential, quality, input, confidentialState, output))
FORWARD(OM_uint32, gss_wrap_size_limit, UNAVAILABLE,
        (OM_uint32 *minor, gss_ctx_id_t context, int confidential, gss_qop_t quality, OM_uint32 outputSize,
         OM_uint32 *maximumInputSize),
        (minor, context, confidential, quality, outputSize, maximumInputSize))
