"""Exit codes of the commands, and the refusal that is one line and exit 2.

0 done; 1 some job ERROR (wait); 2 bad input, refused, or a batch CANCELED or TIMED_OUT (wait);
3 timeout (wait); 4 authentication or connection failure; 130 Ctrl+C.
"""

from __future__ import annotations

EXIT_OK, EXIT_ERRORED, EXIT_BAD, EXIT_TIMEOUT, EXIT_CONNECTION = 0, 1, 2, 3, 4


class Refused(Exception):
    """Nothing was sent (bad input, no confirmation, read-only); exit 2 with this line."""
