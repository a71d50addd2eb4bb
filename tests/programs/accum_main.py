"""A `def main()` + argparse script that never calls zero_grad(): gradients add up over the steps (PyTorch semantics)."""
import argparse

import torch
import torch.nn as nn


class Regressor(nn.Module):
    def __init__(self, d_in, hidden):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d_in, hidden), nn.Tanh(), nn.Linear(hidden, 1))

    def forward(self, x):
        return self.net(x).squeeze(-1)


def make_data(n, d):
    x = torch.randn(n, d)
    w = torch.linspace(-1.0, 1.0, d)
    y = x @ w + 0.1 * torch.randn(n)
    return x, y


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=0.002)
    args = parser.parse_args()
    torch.manual_seed(1)
    x, y = make_data(128, 8)
    model = Regressor(8, 16)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, nesterov=True)
    loss_fn = nn.MSELoss()
    for epoch in range(args.epochs):
        for i in range(0, len(x), args.batch_size):
            xb, yb = x[i:i + args.batch_size], y[i:i + args.batch_size]
            loss = loss_fn(model(xb), yb)
            loss.backward()  # no zero_grad(): each step applies the sum of all gradients so far
            optimizer.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
