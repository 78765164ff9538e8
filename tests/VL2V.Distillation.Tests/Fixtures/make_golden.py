#!/usr/bin/python3
"""Reference values for the loss library and DomainSplit, computed independently with PyTorch and NumPy.

Run with Debian's python3-torch (1.13) and python3-numpy:  /usr/bin/python3 make_golden.py
Writes loss_golden.json and domainsplit_golden.json next to this script. The C# tests read the inputs from
these files, run our implementation and compare with the expected values. The formulas here are written from
the papers, deliberately by different routes than the C# code (probability-target KL, torch.cdist, einsum),
so that the two implementations check each other.
"""
import hashlib
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
HERE = os.path.dirname(os.path.abspath(__file__))
g = torch.Generator().manual_seed(20240607)


def randn(*shape):
    return torch.randn(*shape, generator=g, dtype=torch.float32)


def listify(t):
    return t.detach().to(torch.float64).tolist() if t.dtype.is_floating_point else t.tolist()


def cos_rows(a, b):
    return (a * b).sum(1) / (a.norm(dim=1) * b.norm(dim=1))


B, D, C = 6, 8, 5
student = randn(B, D)
logits = randn(B, C) * 2
class_text = F.normalize(randn(C, D), dim=1)
labels = torch.tensor([0, 3, 4, 1, 3, 2])
teacher_image = F.normalize(class_text[labels] + 0.7 * randn(B, D), dim=1)
logit_scale = 100.0
pair_text = randn(B, D)

inputs = {
    "student_embedding": listify(student), "student_logits": listify(logits),
    "teacher_image": listify(teacher_image), "class_text": listify(class_text),
    "labels": listify(labels), "logit_scale": logit_scale, "pair_text": listify(pair_text),
}
cases = []

# ADiP (Addepalli et al. 2024): lambda * (-mean cos(p, I_t)) + (1 - lambda) * (-mean cos(p, T_y)).
for lam in (0.5, 1.0, 0.0, 0.3):
    p = student.clone().requires_grad_(True)
    image = -cos_rows(p, teacher_image).mean()
    text = -cos_rows(p, class_text[labels]).mean()
    total = lam * image + (1 - lam) * text
    total.backward()
    cases.append({"loss": "adip", "params": {"lambda": lam}, "total": total.item(),
                  "terms": {"image": image.item(), "text": text.item()}, "grad_student_embedding": listify(p.grad)})

# Cross-entropy with label smoothing: q = (1 - eps) onehot + eps / C.
for eps in (0.0, 0.1):
    z = logits.clone().requires_grad_(True)
    q = (1 - eps) * F.one_hot(labels, C).to(torch.float32) + eps / C
    ce = -(q * torch.log_softmax(z, 1)).sum(1).mean()
    ce.backward()
    cases.append({"loss": "ce", "params": {"label_smoothing": eps}, "total": ce.item(), "terms": {"ce": ce.item()},
                  "grad_student_logits": listify(z.grad)})

# Hinton KD: tau^2 * KL(softmax(z_t/tau) || softmax(z_s/tau)) (batchmean) + CE; z_t = scale * cos(I_t, T_c).
teacher_logits = logit_scale * teacher_image @ class_text.T
for tau, w_kd, w_ce in ((4.0, 1.0, 1.0), (1.0, 0.7, 0.3)):
    z = logits.clone().requires_grad_(True)
    kl = F.kl_div(F.log_softmax(z / tau, 1), F.softmax(teacher_logits / tau, 1), reduction="batchmean", log_target=False)
    kd = tau * tau * kl
    ce = F.cross_entropy(z, labels)
    total = w_kd * kd + w_ce * ce
    total.backward()
    cases.append({"loss": "kd", "params": {"temperature": tau, "distillation_weight": w_kd, "cross_entropy_weight": w_ce},
                  "total": total.item(), "terms": {"kd": kd.item(), "ce": ce.item()}, "grad_student_logits": listify(z.grad)})

# Feature distillation: L2 = mean squared error (SimKD), cosine = 1 - mean cos.
mse = ((student - teacher_image) ** 2).mean()
cases.append({"loss": "feature", "params": {"distance": "L2"}, "total": mse.item(), "terms": {"feature": mse.item()}})
fcos = 1 - cos_rows(student, teacher_image).mean()
cases.append({"loss": "feature", "params": {"distance": "Cosine"}, "total": fcos.item(), "terms": {"feature": fcos.item()}})


# RKD (Park et al. 2019), written with torch.cdist and einsum.
def rkd_distance(e):
    d = torch.cdist(e.double(), e.double())
    d = d / d[~torch.eye(len(e), dtype=torch.bool)].mean()
    return d


def rkd_angle(e):
    diff = e.double()[None, :, :] - e.double()[:, None, :]          # [i, j] = e_j - e_i
    unit = diff / diff.norm(dim=2, keepdim=True).clamp_min(1e-12)
    return torch.einsum("ijd,ikd->ijk", unit, unit).reshape(-1)


def huber(a, b):
    x = (a - b).abs()
    return torch.where(x < 1, 0.5 * x * x, x - 0.5).mean()


dist = huber(rkd_distance(student), rkd_distance(teacher_image))
angle = huber(rkd_angle(student), rkd_angle(teacher_image))
for wd, wa in ((1.0, 2.0), (25.0, 50.0)):
    cases.append({"loss": "rkd", "params": {"distance_weight": wd, "angle_weight": wa}, "total": (wd * dist + wa * angle).item(),
                  "terms": {"distance": dist.item(), "angle": angle.item()}})

# CLIP contrastive (Radford et al. 2021): symmetric cross-entropy over scale * cos similarities.
scale = 14.3
sim = scale * F.normalize(student, dim=1) @ F.normalize(pair_text, dim=1).T
i2t = -torch.log_softmax(sim, 1).diagonal().mean()
t2i = -torch.log_softmax(sim, 0).diagonal().mean()
cases.append({"loss": "contrastive", "params": {"logit_scale": scale}, "total": ((i2t + t2i) / 2).item(),
              "terms": {"image_to_text": i2t.item(), "text_to_image": t2i.item()}})

# Composite: 1 * adip(0.5) + 0.25 * ce(0.1).
adip = -0.5 * cos_rows(student, teacher_image).mean() - 0.5 * cos_rows(student, class_text[labels]).mean()
q = 0.9 * F.one_hot(labels, C).to(torch.float32) + 0.1 / C
ce = -(q * torch.log_softmax(logits, 1)).sum(1).mean()
cases.append({"loss": "composite", "params": {}, "total": (adip + 0.25 * ce).item(), "terms": {"adip": adip.item(), "ce": ce.item()}})

with open(os.path.join(HERE, "loss_golden.json"), "w") as f:
    json.dump({"generator": "make_golden.py", "torch": torch.__version__, "inputs": inputs, "cases": cases}, f, indent=1)


# DomainSplit: DomainBed's misc.seed_hash and misc.split_dataset (NumPy legacy RandomState shuffle).
def seed_hash(*args):
    return int(hashlib.md5(str(args).encode("utf-8")).hexdigest(), 16) % (2 ** 31)


splits = []
for trial_seed, env_i, count, fraction in ((0, 0, 10, 0.2), (0, 1, 37, 0.2), (0, 3, 250, 0.2), (5, 2, 53, 0.3), (1, 0, 1, 0.5), (0, 2, 2048, 0.2)):
    keys = list(range(count))
    np.random.RandomState(seed_hash(trial_seed, env_i)).shuffle(keys)
    n_out = int(count * fraction)
    splits.append({"trial_seed": trial_seed, "env_index": env_i, "count": count, "holdout_fraction": fraction,
                   "seed": seed_hash(trial_seed, env_i), "out": keys[:n_out], "in": keys[n_out:]})
hashes = [{"args": list(a), "hash": seed_hash(*a)} for a in ((0, 0), (0, 1), (3, 7), (12345, 2), (7,))]
with open(os.path.join(HERE, "domainsplit_golden.json"), "w") as f:
    json.dump({"generator": "make_golden.py", "numpy": np.__version__, "seed_hash": hashes, "splits": splits}, f)
print("wrote", len(cases), "loss cases and", len(splits), "splits")
