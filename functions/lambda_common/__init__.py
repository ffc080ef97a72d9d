"""Code the function packages share, built into the zip of each function that lists it.

See README.md: a function names this package in its `shared_packages.txt`.
"""
