/*
 * pamconv.c - a truthful PAM conversation built from a CredSSP result
 * (credssp_pam_conv_*, include/credssp_pam.h).
 *
 * It answers only what CredSSP actually delivered: the first
 * PAM_PROMPT_ECHO_OFF prompt gets the delegated password or PIN, the first
 * PAM_PROMPT_ECHO_ON prompt the user name.  The same prompt text asked again
 * (another module of the stack prompting for the same thing) is answered
 * again, up to CREDSSP_PAM_CONV_MAX_ANSWERS times; any other prompt ("New
 * password:", "Verification code:") is refused with PAM_CONV_ERR, so the
 * old password never answers a question it is not the answer to.
 * PAM_TEXT_INFO / PAM_ERROR_MSG are collected for the caller's log.
 */
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

#include "credssp_pam.h"
#include "buf.h"
#include "internal.h"
#include "secret.h"

struct conv_message {
    int style;
    char *text;
};

/* One kind of prompt (ECHO_OFF or ECHO_ON): its answer and what it was bound to. */
struct conv_binding {
    char *prompt;              /* text of the first prompt answered, or NULL */
    unsigned answers;
};

struct credssp_pam_conv {
    struct pam_conv conv;      /* appdata_ptr points back here */
    credssp_secret *secret;    /* password or PIN; NULL when none was delegated */
    char *user;
    struct conv_binding secret_bind;
    struct conv_binding user_bind;
    unsigned refused;
    size_t n_messages;
    struct conv_message messages[CREDSSP_PAM_CONV_MAX_MESSAGES];
};

/* Free a response array, wiping every answer (they may hold the password). */
static void
free_responses(struct pam_response *resp, int n)
{
    if (resp == NULL)
        return;
    for (int i = 0; i < n; i++) {
        if (resp[i].resp != NULL)
            cssp_wipe_free(resp[i].resp, strlen(resp[i].resp));
    }
    free(resp);
}

/*
 * Decide whether prompt may be answered under binding b: the first prompt
 * binds, the same text again is allowed until the answer cap.
 */
static bool
binding_allows(struct conv_binding *b, const char *prompt)
{
    if (b->prompt == NULL) {
        b->prompt = strdup(prompt);
        if (b->prompt == NULL)
            return false;
    } else if (strcmp(b->prompt, prompt) != 0) {
        return false;
    }
    if (b->answers >= CREDSSP_PAM_CONV_MAX_ANSWERS)
        return false;
    b->answers++;
    return true;
}

/* Keep an informational or error message for the caller (capped). */
static void
collect_message(struct credssp_pam_conv *c, int style, const char *text)
{
    char *copy;

    if (c->n_messages >= CREDSSP_PAM_CONV_MAX_MESSAGES)
        return;
    copy = strndup(text, PAM_MAX_MSG_SIZE);
    if (copy == NULL)
        return;
    c->messages[c->n_messages].style = style;
    c->messages[c->n_messages].text = copy;
    c->n_messages++;
}

/* Answer one message into *resp_out; false when it must be refused. */
static bool
answer_one(struct credssp_pam_conv *c, const struct pam_message *m, char **resp_out)
{
    const char *prompt = m->msg != NULL ? m->msg : "";

    *resp_out = NULL;
    switch (m->msg_style) {
    case PAM_PROMPT_ECHO_OFF:
        if (c->secret == NULL || !binding_allows(&c->secret_bind, prompt))
            return false;
        *resp_out = strdup((const char *)credssp_secret_data(c->secret));
        return *resp_out != NULL;
    case PAM_PROMPT_ECHO_ON:
        if (c->user == NULL || !binding_allows(&c->user_bind, prompt))
            return false;
        *resp_out = strdup(c->user);
        return *resp_out != NULL;
    case PAM_TEXT_INFO:
    case PAM_ERROR_MSG:
        collect_message(c, m->msg_style, prompt);
        return true;
    default:
        return false;
    }
}

/* The pam_conv callback: answer every message, or refuse the whole call. */
static int
conv_fn(int n, const struct pam_message **msg, struct pam_response **resp_out, void *appdata)
{
    struct credssp_pam_conv *c = appdata;
    struct pam_response *resp = NULL;
    int ret = PAM_CONV_ERR;

    if (resp_out == NULL)
        return PAM_CONV_ERR;
    *resp_out = NULL;
    if (c == NULL || msg == NULL || n <= 0 || n > PAM_MAX_NUM_MSG)
        return PAM_CONV_ERR;
    resp = calloc((size_t)n, sizeof(*resp));
    if (resp == NULL)
        return PAM_BUF_ERR;
    for (int i = 0; i < n; i++) {
        if (msg[i] == NULL || !answer_one(c, msg[i], &resp[i].resp)) {
            c->refused++;
            goto cleanup;
        }
    }
    *resp_out = resp;
    resp = NULL;
    ret = PAM_SUCCESS;

cleanup:
    free_responses(resp, n);
    return ret;
}

/* Build the conversation from copies of the result's secret and user name. */
CREDSSP_API credssp_error
credssp_pam_conv_new(const credssp_result *result, const char *user, credssp_pam_conv **out)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    struct credssp_pam_conv *c = NULL;
    const credssp_secret *secret;

    if (out == NULL)
        return CREDSSP_E_INVALID_ARG;
    *out = NULL;
    if (result == NULL)
        return CREDSSP_E_INVALID_ARG;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return CREDSSP_E_NOMEM;
    c->conv.conv = conv_fn;
    c->conv.appdata_ptr = c;
    secret = credssp_result_secret(result);
    if (secret != NULL && credssp_secret_len(secret) != 0) {
        ret = credssp_secret_dup(secret, &c->secret);
        if (ret != CREDSSP_OK)
            goto cleanup;
    }
    if (user == NULL)
        user = credssp_result_user(result);
    if (user != NULL && user[0] != '\0') {
        c->user = strdup(user);
        if (c->user == NULL) {
            ret = CREDSSP_E_NOMEM;
            goto cleanup;
        }
    }
    *out = c;
    c = NULL;
    ret = CREDSSP_OK;

cleanup:
    credssp_pam_conv_free(c);
    return ret;
}

/* The struct pam_conv for pam_start. */
CREDSSP_API const struct pam_conv *
credssp_pam_conv_get(const credssp_pam_conv *c)
{
    return c != NULL ? &c->conv : NULL;
}

/* Number of collected info / error messages. */
CREDSSP_API size_t
credssp_pam_conv_message_count(const credssp_pam_conv *c)
{
    return c != NULL ? c->n_messages : 0;
}

/* Collected message i and its style. */
CREDSSP_API const char *
credssp_pam_conv_message(const credssp_pam_conv *c, size_t i, int *style_out)
{
    if (c == NULL || i >= c->n_messages)
        return NULL;
    if (style_out != NULL)
        *style_out = c->messages[i].style;
    return c->messages[i].text;
}

/* Prompts refused so far. */
CREDSSP_API unsigned
credssp_pam_conv_refused(const credssp_pam_conv *c)
{
    return c != NULL ? c->refused : 0;
}

/* Wipe the secret copy and free everything. */
CREDSSP_API void
credssp_pam_conv_free(credssp_pam_conv *c)
{
    if (c == NULL)
        return;
    credssp_secret_free(c->secret);
    free(c->user);
    free(c->secret_bind.prompt);
    free(c->user_bind.prompt);
    for (size_t i = 0; i < c->n_messages; i++)
        free(c->messages[i].text);
    free(c);
}
