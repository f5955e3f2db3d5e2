"""Benchmark: a city-sized data generator, Django floor views and a load generator.

Nothing here ships in the product's URLs: the floor views are mounted only by ``bench.settings``.
"""
