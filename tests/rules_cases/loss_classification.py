"""Classification losses with their traps: a weighted CrossEntropyLoss over (N, C, H, W) logits with
ignored pixels and label smoothing (weight is a buffer the converter must move), NLLLoss with
ignore_index, BCEWithLogitsLoss with pos_weight on large logits, BCE on probabilities that hit 0 and 1
(PyTorch's -100 log clamp), multi-label and multi-class margin losses, probability targets."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.proj = nn.Linear(num_classes, num_classes)
        self.seg_loss = nn.CrossEntropyLoss(weight=torch.tensor([0.5, 2.0, 1.0, 3.0]), ignore_index=-1,
                                            label_smoothing=0.1)
        self.nll = nn.NLLLoss(ignore_index=2, reduction="sum")
        self.bce = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([1.0, 4.0, 0.5, 2.0]))
        self.margin = nn.MultiMarginLoss(p=2, margin=0.7)

    def forward(self, seg_logits, seg_target, feats, labels, multi_hot):
        logits = self.proj(feats) * 10.0
        losses = [
            self.seg_loss(seg_logits, seg_target),
            F.cross_entropy(seg_logits, seg_target, ignore_index=-1, reduction="none").mean(dim=(1, 2)).sum(),
            self.nll(F.log_softmax(logits, dim=1), labels),
            self.bce(logits, multi_hot),
            F.binary_cross_entropy(torch.sigmoid(logits), multi_hot, reduction="sum"),
            F.multilabel_soft_margin_loss(logits, multi_hot, weight=torch.tensor([1.0, 0.5, 2.0, 1.0])),
            self.margin(logits, labels),
            F.cross_entropy(logits, F.softmax(feats, dim=1), label_smoothing=0.2),
            F.multilabel_margin_loss(logits, torch.where(multi_hot > 0, labels[:, None], -1)),
        ]
        return torch.stack(losses)


def get_inputs():
    seg_target = torch.randint(-1, 4, (2, 5, 6))
    labels = torch.randint(0, 4, (8,))
    multi_hot = (torch.rand(8, 4) > 0.5).float()
    return [torch.randn(2, 4, 5, 6), seg_target, torch.randn(8, 4), labels, multi_hot]


def get_init_inputs():
    return [4]
