"""Repository tooling run from the Makefile (build, packaging); not shipped to Lambda."""
