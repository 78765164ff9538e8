"""Counterpart of `dotnet run -- data`: DomainBed's data pipeline (torchvision ImageFolder + DataLoader with DomainBed's
training and evaluation transforms) on the same folder of JPEGs.

    dotnet run -c Release --project samples/VL2V.Benchmarks -- images --folder /tmp/vl2v-bench-pacs
    /usr/bin/python3 samples/VL2V.Benchmarks/python/bench_data.py --folder /tmp/vl2v-bench-pacs
"""
import io
import os
import sys

import torch
from PIL import Image
from torch.utils.data import ConcatDataset, DataLoader, Subset
from torchvision import datasets, transforms

from bench_common import machine_info, measure, parse_args, print_table

TEST_DOMAIN = "sketch"   # PACS leave-one-out, as DataBenchmark.cs
BATCH_PER_DOMAIN = 32    # DomainBed's batch size per source domain
EVAL_BATCH = 128         # DomainBed's evaluation batch size
HOLDOUT = 0.2            # DomainBed's holdout fraction

# DomainBed (domainbed/datasets.py, MultipleEnvironmentImageFolder) with augment=True, and its evaluation transform.
NORMALIZE = transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])
TRAIN = transforms.Compose([
    transforms.RandomResizedCrop(224, scale=(0.7, 1.0)),
    transforms.RandomHorizontalFlip(),
    transforms.ColorJitter(0.3, 0.3, 0.3, 0.3),
    transforms.RandomGrayscale(),
    transforms.ToTensor(),
    NORMALIZE,
])
EVAL = transforms.Compose([transforms.Resize((224, 224)), transforms.ToTensor(), NORMALIZE])


def main():
    a = parse_args(__doc__, lambda p: p.add_argument("--folder", required=True,
                   help="the folder written by `dotnet run -- images --folder DIR` (or by the data benchmark)"))
    if not os.path.isfile(os.path.join(a.folder, ".vl2v-bench")):
        sys.exit(f"'{a.folder}' is not a benchmark image folder; write it first with "
                 f"`dotnet run -c Release --project samples/VL2V.Benchmarks -- images --folder {a.folder}`.")
    torch.set_num_threads(1)  # per-core figures; DataLoader workers use 1 thread each anyway
    machine_info(torch)
    steps = 2 if a.quick else 8
    print(f"benchmark: data{' (quick: not for publishing)' if a.quick else ''}, warm-up {a.warmup}, "
          f"timed repetitions {a.reps}, best of them reported")

    domains = sorted(d for d in os.listdir(a.folder) if os.path.isdir(os.path.join(a.folder, d)))
    train_sets = {d: datasets.ImageFolder(os.path.join(a.folder, d), transform=TRAIN) for d in domains}
    eval_sets = {d: datasets.ImageFolder(os.path.join(a.folder, d), transform=EVAL) for d in domains}
    raw_sets = {d: datasets.ImageFolder(os.path.join(a.folder, d)) for d in domains}
    n = sum(len(s) for s in raw_sets.values())
    print(f"folder: {os.path.abspath(a.folder)} ({len(domains)} domains, {n} images)")
    w, r = a.warmup, a.reps
    rows = []

    def each(sets):
        for s in sets.values():
            for i in range(len(s)):
                s[i]

    rows.append(measure("decode (PIL open + convert RGB), 1 thread", "img", n, w, r, lambda: each(raw_sets)))
    files = [(path, open(path, "rb").read()) for s in raw_sets.values() for path, _ in s.samples]

    def decode_only():
        for path, data in files:
            Image.open(io.BytesIO(data)).convert("RGB")
    rows.append(measure("decode only (PIL from bytes in memory), 1 thread", "img", n, w, r, decode_only))
    decoded = [s[i][0] for s in raw_sets.values() for i in range(len(s))]
    rows.append(measure("train augmentation only (pre-decoded), 1 thread", "img", n, w, r,
                        lambda: [TRAIN(im) for im in decoded]))
    rows.append(measure("decode + train augmentation, 1 thread", "img", n, w, r, lambda: each(train_sets)))
    rows.append(measure("decode + evaluation transform, 1 thread", "img", n, w, r, lambda: each(eval_sets)))

    # Training: 32 samples drawn with replacement from each source domain per step, concatenated in domain order
    # (DomainBed's per-domain InfiniteDataLoaders), here one DataLoader over the sources with that batch plan.
    sources = [d for d in domains if d != TEST_DOMAIN]
    concat = ConcatDataset([train_sets[d] for d in sources])
    offsets = [0]
    for d in sources:
        offsets.append(offsets[-1] + len(train_sets[d]))
    g = torch.Generator().manual_seed(0)

    def train_plan():
        return [[offsets[k] + int(j) for k in range(len(sources))
                 for j in torch.randint(len(train_sets[sources[k]]) - int(len(train_sets[sources[k]]) * HOLDOUT),
                                        (BATCH_PER_DOMAIN,), generator=g)]
                for _ in range(steps)]

    batch = BATCH_PER_DOMAIN * len(sources)
    for workers in (0, 1, 2):
        def run(workers=workers):
            for images, labels in DataLoader(concat, batch_sampler=train_plan(), num_workers=workers):
                pass
        rows.append(measure(f"DataLoader train, {steps}x{batch}, num_workers={workers}", "img", steps * batch, w, r, run))

    # Evaluation: every domain's in- and out-part in batches of 128 (the same batch sizes as the C# plan).
    eval_concat = ConcatDataset([eval_sets[d] for d in domains])
    plan, start = [], 0
    for d in domains:
        size = len(eval_sets[d])
        out = int(size * HOLDOUT)
        for lo, hi in ((start, start + size - out), (start + size - out, start + size)):
            plan += [list(range(b, min(b + EVAL_BATCH, hi))) for b in range(lo, hi, EVAL_BATCH)]
        start += size
    for workers in (0, 1, 2):
        def run_eval(workers=workers):
            for images, labels in DataLoader(eval_concat, batch_sampler=plan, num_workers=workers):
                pass
        rows.append(measure(f"DataLoader evaluation, {len(plan)} batches <={EVAL_BATCH}, num_workers={workers}",
                            "img", n, w, r, run_eval))

    print_table(f"data: PyTorch {torch.__version__} / torchvision, {n} images, torch threads {torch.get_num_threads()}", rows)


if __name__ == "__main__":
    main()
