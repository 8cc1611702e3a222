#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

// libcurl is loaded on first use, not at start-up: linked normally, it brings ~25 shared
// libraries (GnuTLS, Kerberos, LDAP, SSH, p11-kit...) that cost ~3.5 MB of resident memory and
// start-up time in every daemon, while only a gateway with an HTTP sink needs them. It is found
// at run time as libcurl.so.4 (Debian's libcurl4), so building needs no curl package at all.
//
// The few declarations used are copied from curl.h: libcurl.so.4 has kept them stable since
// 2006 (values checked against curl 7.88's header).
typedef void CURL;
typedef int CURLcode;
typedef int CURLoption;
typedef int CURLINFO;
struct curl_slist {
    char *data;
    struct curl_slist *next;
};
#define CURLE_OK 0
#define CURL_GLOBAL_DEFAULT 3L
#define CURLOPT_POST 47
#define CURLOPT_HTTPGET 80
#define CURLOPT_POSTFIELDSIZE 60
#define CURLOPT_SSL_VERIFYHOST 81
#define CURLOPT_NOSIGNAL 99
#define CURLOPT_TIMEOUT_MS 155
#define CURLOPT_CONNECTTIMEOUT_MS 156
#define CURLOPT_WRITEDATA 10001
#define CURLOPT_URL 10002
#define CURLOPT_POSTFIELDS 10015
#define CURLOPT_HTTPHEADER 10023
#define CURLOPT_SSLCERT 10025
#define CURLOPT_CAINFO 10065
#define CURLOPT_SSLKEY 10087
#define CURLOPT_PROTOCOLS_STR 10318
#define CURLOPT_WRITEFUNCTION 20011
#define CURLINFO_RESPONSE_CODE 0x200002

// curl_easy_setopt and curl_easy_getinfo are variadic: Swift cannot call them. Each wrapper
// below fixes one argument type so the call imports.

struct vigie_curl_api {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    CURLcode (*easy_perform)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    // Why loading failed (dlerror's text), or NULL once loaded.
    const char *load_error;
};

// Storage lives in function-local statics: Swift emits the functions of this header that it
// calls, with their local statics, but not file-scope variables. Each Swift file that calls
// them gets its own copy, so only HTTPPoster.swift does.
static inline struct vigie_curl_api *vigie_curl_storage(void) {
    static struct vigie_curl_api api;
    return &api;
}

static inline void vigie_curl_load(void) {
    struct vigie_curl_api *api = vigie_curl_storage();
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *error = dlerror();
        api->load_error = error != NULL ? error : "libcurl.so.4 could not be loaded";
        return;
    }
#define VIGIE_CURL_SYMBOL(field, name) \
    *(void **)(&api->field) = dlsym(library, name); \
    if (api->field == NULL) { api->load_error = "libcurl.so.4 lacks " name; return; }
    VIGIE_CURL_SYMBOL(global_init, "curl_global_init")
    VIGIE_CURL_SYMBOL(easy_init, "curl_easy_init")
    VIGIE_CURL_SYMBOL(easy_cleanup, "curl_easy_cleanup")
    VIGIE_CURL_SYMBOL(easy_reset, "curl_easy_reset")
    VIGIE_CURL_SYMBOL(easy_perform, "curl_easy_perform")
    VIGIE_CURL_SYMBOL(easy_strerror, "curl_easy_strerror")
    VIGIE_CURL_SYMBOL(easy_setopt, "curl_easy_setopt")
    VIGIE_CURL_SYMBOL(easy_getinfo, "curl_easy_getinfo")
    VIGIE_CURL_SYMBOL(slist_append, "curl_slist_append")
    VIGIE_CURL_SYMBOL(slist_free_all, "curl_slist_free_all")
#undef VIGIE_CURL_SYMBOL
    // curl_global_init is not thread-safe: run it once, here, before the first handle.
    api->global_init(CURL_GLOBAL_DEFAULT);
}

// Loads libcurl once (thread-safe); NULL when it is usable, else why it is not.
static inline const char *vigie_curl_load_error(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, vigie_curl_load);
    return vigie_curl_storage()->load_error;
}

// The calls below are valid only after vigie_curl_load_error() returned NULL.
static inline CURL *vigie_curl_easy_init(void) { return vigie_curl_storage()->easy_init(); }
static inline void vigie_curl_easy_cleanup(CURL *handle) { vigie_curl_storage()->easy_cleanup(handle); }
static inline void vigie_curl_easy_reset(CURL *handle) { vigie_curl_storage()->easy_reset(handle); }
static inline CURLcode vigie_curl_easy_perform(CURL *handle) { return vigie_curl_storage()->easy_perform(handle); }
static inline const char *vigie_curl_easy_strerror(CURLcode code) { return vigie_curl_storage()->easy_strerror(code); }
static inline struct curl_slist *vigie_curl_slist_append(struct curl_slist *list, const char *text) {
    return vigie_curl_storage()->slist_append(list, text);
}
static inline void vigie_curl_slist_free_all(struct curl_slist *list) { vigie_curl_storage()->slist_free_all(list); }

static inline CURLcode vigie_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return vigie_curl_storage()->easy_setopt(handle, option, value);
}
static inline CURLcode vigie_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return vigie_curl_storage()->easy_setopt(handle, option, value);
}
static inline CURLcode vigie_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return vigie_curl_storage()->easy_setopt(handle, option, value);
}
static inline CURLcode vigie_curl_setopt_write_function(CURL *handle,
        size_t (*function)(char *, size_t, size_t, void *)) {
    return vigie_curl_storage()->easy_setopt(handle, CURLOPT_WRITEFUNCTION, function);
}
static inline CURLcode vigie_curl_response_code(CURL *handle, long *code) {
    return vigie_curl_storage()->easy_getinfo(handle, CURLINFO_RESPONSE_CODE, code);
}
