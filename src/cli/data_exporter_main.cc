#include "cli/commands.h"

int main(int argc, char** argv) { return de::RunCli(argc, argv); }
