"""Counterpart of `dotnet run -- optimizer`: Adam steps over a ResNet-18 backbone's parameters (torchvision resnet18,
fc removed; 11.2 M parameters) with fixed random gradients, torch.optim.Adam (lr 5e-5), single-tensor implementation
(PyTorch 1.13's default on CPU) and foreach.

    /usr/bin/python3 samples/VL2V.Benchmarks/python/bench_optimizer.py [--quick] [--reps N] [--threads 2]
"""
import torch
import torchvision
from torch import nn

from bench_common import machine_info, measure, parse_args, print_table


def with_gradients():
    torch.manual_seed(0)
    r = torchvision.models.resnet18(weights=None)
    r.fc = nn.Identity()
    g = torch.Generator().manual_seed(1)
    for p in r.parameters():
        p.grad = torch.randn(p.shape, generator=g)
    return r


def main():
    a = parse_args(__doc__)
    torch.set_num_threads(a.threads)
    machine_info(torch)
    steps = 1 if a.quick else 10
    print(f"benchmark: optimizer{' (quick: not for publishing)' if a.quick else ''}, warm-up {a.warmup}, "
          f"timed repetitions {a.reps}, best of them reported")
    rows = []
    for foreach in (False, True):
        model = with_gradients()
        adam = torch.optim.Adam(model.parameters(), lr=5e-5, foreach=foreach)

        def run():
            with torch.no_grad():
                for _ in range(steps):
                    adam.step()
        rows.append(measure(f"torch.optim.Adam ({'foreach' if foreach else 'single-tensor'}), {steps} steps", "step", steps, a.warmup, a.reps, run))
    print_table(f"optimizer: PyTorch {torch.__version__}, Adam over ResNet-18 backbone parameters, float32, "
                f"torch threads {torch.get_num_threads()}", rows)


if __name__ == "__main__":
    main()
