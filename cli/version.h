/* version.h - the version `ovc --version` prints. */
#ifndef OVC_VERSION_H
#define OVC_VERSION_H

#define OVC_VERSION "0.1.0"

#endif
