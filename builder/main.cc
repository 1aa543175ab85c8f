// The `stowage` tool: one binary, one subcommand per concern (see builder/cli/command.h).
#include "builder/cli/command.h"

int main(int argc, char** argv) { return stowage::RunMain(argc, argv); }
