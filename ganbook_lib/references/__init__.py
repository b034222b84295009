"""What the benchmarks compare the library against, kept apart from the library itself.

- ``tf_tutorial``  the official TensorFlow DCGAN tutorial: its models, its recipe, and the
  throughput bench that times the library's ``GAN.fit`` step against its plain step

A reference may import the core; the core imports a reference only where a user asks for it
by name (``Recipe(arch="tf-tutorial")``, ``ganbook bench throughput``).
"""
