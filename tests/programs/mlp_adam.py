"""A complete training script: random data, a shuffling DataLoader, an MLP of GELU blocks, Adam with L2, StepLR."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
N, D, C = 256, 16, 4


class Block(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.fc = nn.Linear(d_in, d_out)
        self.act = nn.GELU()

    def forward(self, x):
        return self.act(self.fc(x))


class MLP(nn.Module):
    def __init__(self, d_in, hidden, n_classes):
        super().__init__()
        self.block1 = Block(d_in, hidden)
        self.block2 = Block(hidden, hidden)
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, x):
        return self.head(self.block2(self.block1(x)))


def accuracy(logits, y):
    return (logits.argmax(dim=1) == y).float().mean()


X = torch.randn(N, D)
y = (X @ torch.randn(D, C)).argmax(dim=1)
loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)
model = MLP(D, 32, C)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=0.05)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
for epoch in range(5):
    model.train()
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        out = model(xb)
        loss = criterion(out, yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * xb.size(0)
    scheduler.step()
    model.eval()
    with torch.no_grad():
        acc = accuracy(model(X), y).item()
    print(f"epoch {epoch} loss {total / N:.4f} acc {acc:.3f}")
