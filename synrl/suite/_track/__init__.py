"""The tracking question family (VideoChat-R1's third task, on synthetic data): given an
object's box in the first frame, or its name, give its boxes at stated times. Answers come
from the tracks, as the drawn extent of each object; every short-term (sprite) task asks
them. :mod:`.family` builds the questions.
"""
