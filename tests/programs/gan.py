"""A GAN-style script: two models, two optimizers (Adam with betas), BCE losses, a detached fake batch."""
import torch
import torch.nn as nn

torch.manual_seed(0)
LATENT, DATA, BATCH = 4, 2, 64


class Generator(nn.Module):
    def __init__(self, latent, hidden, out):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(latent, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, out))

    def forward(self, z):
        return self.net(z)


class Discriminator(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, 1))

    def forward(self, x):
        return self.net(x)


def real_batch(n):
    angle = torch.rand(n) * 2 * torch.pi
    return torch.stack([torch.cos(angle), torch.sin(angle)], dim=1) + 0.05 * torch.randn(n, 2)


G = Generator(LATENT, 32, DATA)
D = Discriminator(DATA, 32)
opt_g = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
opt_d = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))
bce = nn.BCEWithLogitsLoss()
ones, zeros = torch.ones(BATCH, 1), torch.zeros(BATCH, 1)
for step in range(200):
    real = real_batch(BATCH)
    z = torch.randn(BATCH, LATENT)
    fake = G(z)
    opt_d.zero_grad()
    loss_d = bce(D(real), ones) + bce(D(fake.detach()), zeros)
    loss_d.backward()
    opt_d.step()
    opt_g.zero_grad()
    loss_g = bce(D(fake), ones)
    loss_g.backward()
    opt_g.step()
    if step % 5 == 0:
        print(f"step {step} loss_d {loss_d.item():.4f} loss_g {loss_g.item():.4f}")
