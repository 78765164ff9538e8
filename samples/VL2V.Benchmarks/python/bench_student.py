"""Counterpart of `dotnet run -- student`: a distillation-shaped training step and inference of a ResNet-18 student
(torchvision resnet18, fc removed, + projection head 512->512 and classifier 512->7) at 224 px, batch 32, and of the
library's small CNN (written here in PyTorch from SmallCnnBackbone's description) at 64 px, batch 128; random weights.
Step: loss = cross-entropy + mean(1 - cos(embedding, fixed random teacher embedding)); backward; AdamW (lr 5e-5).

    /usr/bin/python3 samples/VL2V.Benchmarks/python/bench_student.py [--quick] [--reps N] [--threads 2]
"""
import torch
import torchvision
from torch import nn
from torch.nn import functional as F

from bench_common import machine_info, measure, parse_args, print_table


class Student(nn.Module):
    def __init__(self, backbone, features, embedding=512, classes=7):
        super().__init__()
        self.backbone = backbone
        self.head = nn.Linear(features, embedding)
        self.classifier = nn.Linear(features, classes)

    def forward(self, images):
        f = self.backbone(images)
        return self.head(f), self.classifier(f)


def resnet18_backbone():
    r = torchvision.models.resnet18(weights=None)
    r.fc = nn.Identity()
    return r


def small_cnn(width=32):
    """Four stages of 3x3 conv (no bias) -> BatchNorm -> ReLU, widths w,2w,4w,8w; 2x2 max pooling after the first
    three, global average pooling after the last (VL2V.Distillation's SmallCnnBackbone)."""
    c = [3, width, 2 * width, 4 * width, 8 * width]
    stages = [nn.Sequential(nn.Conv2d(c[i], c[i + 1], 3, padding=1, bias=False), nn.BatchNorm2d(c[i + 1]), nn.ReLU(),
                            nn.MaxPool2d(2) if i < 3 else nn.AdaptiveAvgPool2d(1)) for i in range(4)]
    return nn.Sequential(*stages, nn.Flatten(1))


def train_step(name, student, batch, size, warmup, reps):
    g = torch.Generator().manual_seed(0)
    images = torch.randn(batch, 3, size, size, generator=g)
    labels = torch.randint(0, 7, (batch,), generator=g)
    teacher = F.normalize(torch.randn(batch, 512, generator=g), dim=-1)
    optimizer = torch.optim.AdamW(student.parameters(), lr=5e-5)
    student.train()

    def step():
        optimizer.zero_grad()
        embedding, logits = student(images)
        loss = F.cross_entropy(logits, labels) + (1 - F.cosine_similarity(embedding, teacher, dim=-1)).mean()
        loss.backward()
        optimizer.step()
    return measure(name, "img", batch, warmup, reps, step)


def inference(name, student, batch, size, warmup, reps):
    images = torch.randn(batch, 3, size, size, generator=torch.Generator().manual_seed(1))
    student.eval()

    def run():
        with torch.no_grad():
            student(images)
    return measure(name, "img", batch, warmup, reps, run)


def main():
    a = parse_args(__doc__)
    torch.set_num_threads(a.threads)
    machine_info(torch)
    print(f"benchmark: student{' (quick: not for publishing)' if a.quick else ''}, warm-up {a.warmup}, "
          f"timed repetitions {a.reps}, best of them reported")
    torch.manual_seed(0)
    w, r = a.warmup, a.reps
    rows = []
    rb = 4 if a.quick else 32
    resnet = Student(resnet18_backbone(), 512)
    rows.append(train_step(f"ResNet-18 student train step, batch {rb}, 224 px", resnet, rb, 224, w, r))
    rows.append(inference(f"ResNet-18 student inference (eval, no_grad), batch {rb}, 224 px", resnet, rb, 224, w, r))
    cb = 16 if a.quick else 128
    rows.append(train_step(f"small CNN (width 32) student train step, batch {cb}, 64 px", Student(small_cnn(), 256), cb, 64, w, r))
    print_table(f"student: PyTorch {torch.__version__} / torchvision {torchvision.__version__}, random weights, float32, "
                f"torch threads {torch.get_num_threads()}", rows)


if __name__ == "__main__":
    main()
