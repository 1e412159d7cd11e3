/* mh_version: program version. */
#ifndef MH_VERSION_H
#define MH_VERSION_H
#define MH_VERSION "1.0.0"
#endif
