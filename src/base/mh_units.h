/* src/base: what every layer needs (status, error context, units, version, untrusted files); no other layer. */
/* mh_units: the conversions between the units of the configuration and the solver's (day, mm). */
#ifndef MH_UNITS_H
#define MH_UNITS_H

#define MH_SECONDS_PER_DAY 86400.0
#define MH_MINUTES_PER_DAY 1440.0
#define MH_HOURS_PER_DAY 24.0
#define MH_SECONDS_PER_HOUR 3600.0
#define MH_MM_PER_UM 1e-3
#define MH_UM_PER_MM 1000.0
#define MH_MM_PER_CM 10.0
#define MH_MM2_PER_CM2 100.0

#endif
