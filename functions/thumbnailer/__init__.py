"""S3 upload -> thumbnails Lambda: decode once, shrink to every size, quarantine bad files.

The handler lives in ``thumbnailer.handler``; ``thumbnailer.imaging`` is the pure image
core (bytes in, encoded thumbnails out) that the tests and the benchmark drive directly.
"""
