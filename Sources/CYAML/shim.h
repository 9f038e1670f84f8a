// CYAML: exposes libyaml's event parser to Swift (the config file is read through it).
#ifndef PGVIGIL_CYAML_SHIM_H
#define PGVIGIL_CYAML_SHIM_H
#include <yaml.h>
#endif
