"""A VAE: the reparameterisation draws noise inside the model's forward at every training step."""
import torch
import torch.nn as nn

torch.manual_seed(0)


class VAE(nn.Module):
    def __init__(self, d, z):
        super().__init__()
        self.enc = nn.Linear(d, 2 * z)
        self.dec = nn.Linear(z, d)

    def forward(self, x):
        mu, logvar = self.enc(x).chunk(2, dim=-1)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        return self.dec(z), mu, logvar


x = torch.randn(16, 6)
model = VAE(6, 2)
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
for step in range(30):
    opt.zero_grad()
    recon, mu, logvar = model(x)
    loss = ((recon - x) ** 2).mean() - 0.5 * (1 + logvar - mu ** 2 - logvar.exp()).mean()
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.4f}")
