/* src/base: what every layer needs (status, error context, units, version, untrusted files); no other layer. */
/* mh_version: program version. */
#ifndef MH_VERSION_H
#define MH_VERSION_H
#define MH_VERSION "1.0.0"
#endif
