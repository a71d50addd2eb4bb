"""Regression and probabilistic losses: MSE/L1 with non-default reductions, SmoothL1 with a small beta
and HuberLoss with delta != 1 (errors on both sides of the threshold), KLDivLoss 'batchmean' with
log targets, Poisson NLL with the Stirling term, Gaussian NLL with a per-sample variance that hits
the eps clamp, and the margin/hinge losses with +-1 targets."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.mse = nn.MSELoss(reduction="sum")
        self.l1 = nn.L1Loss()
        self.smooth = nn.SmoothL1Loss(beta=0.3)
        self.huber = nn.HuberLoss(reduction="sum", delta=2.0)
        self.kl = nn.KLDivLoss(reduction="batchmean", log_target=True)
        self.poisson = nn.PoissonNLLLoss(full=True)
        self.gauss = nn.GaussianNLLLoss(full=True, eps=1e-2)
        self.rank = nn.MarginRankingLoss(margin=0.2)

    def forward(self, pred, target, counts, var, sign):
        losses = [
            self.mse(pred, target),
            self.l1(pred, target),
            self.smooth(pred * 2.0, target),
            self.huber(pred * 3.0, target),
            F.smooth_l1_loss(pred, target, beta=0.0),
            F.huber_loss(pred, target, delta=0.5),
            self.kl(F.log_softmax(pred, dim=1), F.log_softmax(target, dim=1)),
            F.kl_div(F.log_softmax(pred, dim=-1), F.softmax(target * 4.0, dim=-1), reduction="sum"),
            self.poisson(pred, counts),
            F.poisson_nll_loss(torch.exp(pred), counts, log_input=False, eps=1e-3),
            self.gauss(pred, target, var),
            F.gaussian_nll_loss(pred, target, var[:, :1], reduction="sum"),
            self.rank(pred[:, 0], target[:, 0], sign[:, 0]),
            F.hinge_embedding_loss(pred, sign, margin=0.5),
            F.soft_margin_loss(pred, sign),
        ]
        return torch.stack(losses)


def get_inputs():
    sign = torch.where(torch.rand(6, 5) > 0.5, 1.0, -1.0)
    var = torch.rand(6, 5) * 2.0
    var[0, :2] = 1e-4
    return [torch.randn(6, 5), torch.randn(6, 5), torch.poisson(torch.full((6, 5), 2.5)), var, sign]


def get_init_inputs():
    return []
