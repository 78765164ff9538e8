"""Writes the small torch.save files used by StateDictFileTests (run with Debian's python3-torch 1.13).

Values are simple closed forms so that the C# tests can state them independently:
  a: float32 [2,3] = arange(6) / 4      b: float16 [4] = arange(4) - 1.5
  n: int64 [] = 1000                    m: bool [3] = [True, False, True]
  h: bfloat16 [2] = [0.5, -2.0]
"""
import collections, torch

def sd(prefix=""):
    d = collections.OrderedDict()
    d[prefix + "a"] = (torch.arange(6, dtype=torch.float32) / 4).reshape(2, 3)
    d[prefix + "b"] = torch.arange(4, dtype=torch.float16) - 1.5
    d[prefix + "n"] = torch.tensor(1000, dtype=torch.int64)
    d[prefix + "m"] = torch.tensor([True, False, True])
    d[prefix + "h"] = torch.tensor([0.5, -2.0], dtype=torch.bfloat16)
    return d

torch.save(sd(), "plain.pt")
torch.save(sd("module."), "module_prefix.pt")
torch.save({"state_dict": sd("module."), "epoch": 3, "optimizer": {"lr": 0.1}}, "wrapped_state_dict.pth")
torch.save({"model": sd(), "step": 7}, "wrapped_model.bin")
torch.save({"epoch": 3, "lr": 0.1}, "not_state_dict.pt")
torch.save([torch.zeros(2)], "list.pt")
torch.save(torch.nn.Linear(2, 2), "whole_module.pt")
torch.save(sd(), "legacy.pt", _use_new_zipfile_serialization=False)
