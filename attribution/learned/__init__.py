"""The learned attribution producer (issue 11): taggers trained on PolNeAR over our own parse."""

from attribution.learned.model import LearnedAttribution

__all__ = ["LearnedAttribution"]
