"""Drawing (antialiased sprites) and video writing (H.264 through PyAV)."""
