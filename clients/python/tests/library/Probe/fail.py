from Probe._helpers import explain


def fail(message="boom"):
    """Raises ValueError(message) two frames deep."""
    explain(message)
