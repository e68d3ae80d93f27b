"""The stages with their file edges: each module reads a stage's inputs, calls its pure function and writes its
output; `run` chains them in one process. The command line imports only the module of the command it runs, so
the Make graph (pipeline/tools/makedeps.py) can give each stage exactly the code it runs."""
