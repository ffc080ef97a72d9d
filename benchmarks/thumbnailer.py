"""Thumbnailer: ms and peak memory per 12-megapixel JPEG, all sizes, vs a naive full decode.

Two photos, both generated here: `noisy` (4000x3000, heavy sensor-like noise, ~6 MB:
the worst case for the decoder, whose entropy decoding grows with the file) and `phone`
(4032x3024, the size phones write, with the light noise left after a phone's denoising,
~3 MB like a typical phone photo).

- `project`: `thumbnailer.imaging.make_thumbnails`, the handler's path minus S3: the
  JPEG decoded once at the smallest DCT scale covering the largest size, every size
  derived from the next larger one, encoded as the function encodes (WebP by default).
- `naive`: what most tutorials do: `Image.open`, a full-size `load()`, then every size
  resized from the full image with LANCZOS, encoded with the same options.
Both must produce the same thumbnail sizes, or no ratio is reported.

Time: CPU seconds of this process (time.process_time), median and min of `--repeat` runs
after a warm-up, the two taken in turns.
Memory: tracemalloc does not see Pillow's C allocations, so each sample is a fresh
child process that imports everything and warms up on a tiny image, records its peak
RSS (a high-water mark) as the baseline, processes the photo once and reports how far
the peak rose: the memory the run itself needed. The peak is Linux's VmHWM, not
`ru_maxrss`: the kernel carries the parent's peak into a child's `ru_maxrss` across
exec (and this parent has just decoded the photo), while VmHWM belongs to the child's
own address space.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PIL import Image, ImageChops, ImageOps, ImageStat

from benchmarks import REPO_ROOT
from benchmarks.report import Section, fmt_ratio
from benchmarks.timing import collect_interleaved, cpu_timed, ratio
from thumbnailer.config import DEFAULT_THUMBNAIL_SIZES, OutputFormat, parse_sizes
from thumbnailer.imaging import JPEG_OPTIONS, RESAMPLE, WEBP_OPTIONS, make_thumbnails

PHOTO_SIZE = (4000, 3000)  # 12 megapixels
PHOTO_QUALITY = 90
PHONE_PHOTO_SIZE = (4032, 3024)  # 12 megapixels as most phone cameras write them
SIZES = parse_sizes(DEFAULT_THUMBNAIL_SIZES)
OUTPUT_FORMAT = OutputFormat.WEBP
MEMORY_SAMPLES = 3
# Noise amplitude (standard deviation, in 8-bit levels) over the gradients: enough
# texture that the JPEG is the size of a real photo at this quality (a few MB).
NOISE_SIGMA = 24
# Phones denoise before encoding: this leaves ~3 MB at quality 90, a typical photo.
PHONE_NOISE_SIGMA = 6

# (width, height, encoded bytes) per size, largest first.
Produced = list[tuple[int, int, bytes]]


def photo_jpeg(
    size: tuple[int, int] = PHOTO_SIZE,
    quality: int = PHOTO_QUALITY,
    noise_sigma: float = NOISE_SIGMA,
) -> bytes:
    """A photo-like JPEG: three smooth gradients with sensor-like noise on top."""
    noise = Image.effect_noise(size, noise_sigma)
    channels = (
        Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90),
        Image.linear_gradient("L"),
        Image.radial_gradient("L"),
    )
    noisy = [
        ImageChops.add(channel.resize(size, Image.Resampling.BILINEAR), noise, offset=-128)
        for channel in channels
    ]
    buffer = io.BytesIO()
    Image.merge("RGB", noisy).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def run_project(data: bytes, sizes: Sequence[int] = SIZES) -> Produced:
    result = make_thumbnails(data, sizes, OUTPUT_FORMAT)
    return [(thumbnail.width, thumbnail.height, thumbnail.data) for thumbnail in result.thumbnails]


def run_naive(data: bytes, sizes: Sequence[int] = SIZES) -> Produced:
    """Full-size decode, each size resized from the full image (written correctly: the
    orientation is applied and the encoder options are the project's)."""
    options = WEBP_OPTIONS if OUTPUT_FORMAT is OutputFormat.WEBP else JPEG_OPTIONS
    produced: Produced = []
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        ImageOps.exif_transpose(image, in_place=True)
        width, height = image.size
        for size in sorted(sizes, reverse=True):
            scale = min(1.0, size / max(width, height))
            target = (max(1, round(width * scale)), max(1, round(height * scale)))
            buffer = io.BytesIO()
            image.resize(target, RESAMPLE).save(
                buffer, format=OUTPUT_FORMAT.pillow_format, **options
            )
            produced.append((*target, buffer.getvalue()))
    return produced


IMPLEMENTATIONS: dict[str, Callable[[bytes], Produced]] = {
    "project": run_project,
    "naive": run_naive,
}


class ImplementationsDisagreeError(AssertionError):
    """Project and naive produced different sizes: a ratio would be meaningless."""


def check_agreement(data: bytes) -> tuple[list[tuple[int, int]], float]:
    """Both implementations' sizes (which must be equal), and the mean absolute
    difference between their largest thumbnails, per channel, in 8-bit levels."""
    project, naive = run_project(data), run_naive(data)
    sizes = {name: [(w, h) for w, h, _ in out] for name, out in (("p", project), ("n", naive))}
    if sizes["p"] != sizes["n"]:
        raise ImplementationsDisagreeError(f"project made {sizes['p']}, naive {sizes['n']}")
    largest = [Image.open(io.BytesIO(out[0][2])).convert("RGB") for out in (project, naive)]
    difference = ImageStat.Stat(ImageChops.difference(*largest)).mean
    return sizes["p"], sum(difference) / len(difference)


@dataclass(frozen=True)
class PeakMemory:
    baseline_kib: int
    peak_kib: int

    @property
    def added_mib(self) -> float:
        return max(0, self.peak_kib - self.baseline_kib) / 1024


def measure_memory(implementation: str, photo: Path) -> PeakMemory:
    """One sample: a fresh interpreter running `implementation` on the photo once."""
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "benchmarks.thumbnailer", implementation, str(photo)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(completed.stdout)
    return PeakMemory(report["baseline_kib"], report["peak_kib"])


def _child(implementation: str, photo: Path) -> None:
    run = IMPLEMENTATIONS[implementation]
    data = photo.read_bytes()
    # Plugins, codecs and encoder state are loaded by a tiny run, so the baseline holds
    # everything but what processing the photo itself costs.
    run(photo_jpeg((64, 48)))
    baseline = peak_rss_kib()
    run(data)
    print(json.dumps({"baseline_kib": baseline, "peak_kib": peak_rss_kib()}))


def peak_rss_kib() -> int:
    """This process's peak resident set size (VmHWM), in KiB."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])  # "VmHWM:     27916 kB"
    raise RuntimeError("no VmHWM in /proc/self/status: the memory figures need Linux")


PHOTOS: dict[str, Callable[[], bytes]] = {
    "noisy": photo_jpeg,
    "phone": partial(photo_jpeg, PHONE_PHOTO_SIZE, noise_sigma=PHONE_NOISE_SIGMA),
}


def run(repeat: int) -> Section:
    section = Section(
        name="thumbnailer",
        title=(
            f"Thumbnailer: one 12 MP JPEG (q{PHOTO_QUALITY}) to sizes"
            f" {', '.join(map(str, SIZES))} as {OUTPUT_FORMAT.name}"
        ),
        headers=[
            "photo / implementation",
            "median CPU ms",
            "min CPU ms",
            "time x naive",
            "peak MiB",
            "x naive",
        ],
    )
    for photo_name, make_photo in PHOTOS.items():
        _photo(photo_name, make_photo(), repeat, section)
    section.notes += [
        "CPU ms: CPU time of the benchmark process (time.process_time); Pillow decodes,"
        " resizes and encodes on the calling thread.",
        "time x naive / x naive: the row's figure over the naive baseline's for the same"
        " photo in this run (lower is better).",
        "peak MiB: rise of the peak RSS of a fresh process while it handles the photo once"
        f" (median of {MEMORY_SAMPLES}); Pillow allocates in C, out of tracemalloc's sight.",
        "naive: full-size decode, each size resized from it with LANCZOS, the project's"
        " encoder options. project: DCT-scaled decode, each size from the next larger.",
    ]
    return section


def _photo(photo_name: str, data: bytes, repeat: int, section: Section) -> None:
    sizes, mean_difference = check_agreement(data)
    timings = collect_interleaved(
        {
            name: cpu_timed(partial(implementation, data))
            for name, implementation in IMPLEMENTATIONS.items()
        },
        repeat=repeat,
    )
    with tempfile.TemporaryDirectory(prefix="bench-thumbnailer-") as directory:
        photo = Path(directory) / "photo.jpg"
        photo.write_bytes(data)
        samples: dict[str, list[PeakMemory]] = {name: [] for name in IMPLEMENTATIONS}
        for _ in range(MEMORY_SAMPLES):
            for name in IMPLEMENTATIONS:
                samples[name].append(measure_memory(name, photo))
    memory = {
        name: sorted(sample.added_mib for sample in taken)[len(taken) // 2]
        for name, taken in samples.items()
    }
    with Image.open(io.BytesIO(data)) as image:
        photo_size = image.size
    results: dict[str, object] = {}
    for name, timing in timings.items():
        time_ratio = ratio(timing.median, timings["naive"].median)
        memory_ratio = ratio(memory[name], memory["naive"])
        section.rows.append(
            [
                f"{photo_name} / {name}",
                f"{timing.median * 1000:.1f}",
                f"{timing.min * 1000:.1f}",
                fmt_ratio(time_ratio),
                f"{memory[name]:.1f}",
                fmt_ratio(memory_ratio),
            ]
        )
        results[name] = {
            "seconds": timing.as_dict(),
            "time_vs_naive": time_ratio,
            "peak_memory_mib": memory[name],
            "peak_memory_samples_mib": [sample.added_mib for sample in samples[name]],
            "memory_vs_naive": memory_ratio,
        }
    section.notes.append(
        f"{photo_name}: {photo_size[0]}x{photo_size[1]}, {len(data) / 1e6:.1f} MB; both"
        f" produced {sizes}; their largest thumbnails differ by {mean_difference:.2f} of"
        " 255 levels per channel on average (DCT-scaled decode vs full decode)."
    )
    section.data[photo_name] = {
        "photo": {"size": list(photo_size), "bytes": len(data), "quality": PHOTO_QUALITY},
        "sizes": [list(size) for size in sizes],
        "output_format": OUTPUT_FORMAT.name,
        "mean_abs_difference_levels": mean_difference,
        "implementations": results,
        "time_vs_naive": ratio(timings["project"].median, timings["naive"].median),
        "memory_vs_naive": ratio(memory["project"], memory["naive"]),
    }


if __name__ == "__main__":
    # The memory child: `python -m benchmarks.thumbnailer {project|naive} PHOTO`.
    _child(sys.argv[1], Path(sys.argv[2]))
