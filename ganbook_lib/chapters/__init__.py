"""The chapters' own helpers: one module per chapter topic, built on the core library.

- ``game``            snapshots of the game, D's surface with G's samples (chapters 1-3)
- ``algorithm``       chapter 3's players and comparison of k; the ring GAN with any loss (ch. 4)
- ``loss_theory``     numerical checks of the loss mathematics, the article's formulas (ch. 4)
- ``article``         layer-by-layer call traces of the article's models; the repaired DCGAN
                      and the article's two habits put back into it (chapter 5)
- ``semi_supervised`` the semi-supervised GAN and its supervised baseline (chapter 6)
- ``video``           the tiny video GAN and its measurements (chapter 6)
- ``diagnostics``     step timing and loss-curve reports (chapter 8)
- ``dirac``           the Dirac GAN (chapter 9)
- ``few_images``      a few hundred digits with and without augmentation (ch. 9, benchmarks)
- ``diagrams``        concept diagrams drawn from the models themselves (chapters 1-3, 5, 6, 8)

A chapter module may import the core (``ganbook_lib.data``, ``models``, ``training``, ...);
the core never imports a chapter module (``tests/test_repo.py`` checks this).
"""
