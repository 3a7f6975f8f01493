"""Individual identification numbers (ЖСН / ИИН): validation and keyed hashing.

The rule: 12 digits; the 12th is a control digit. Weights 1..11 over the first
11 digits, sum mod 11; if that gives 10, a second pass with weights
3,4,5,6,7,8,9,10,11,1,2; if that again gives 10 the number is invalid.
We do not reject on the birth-date digits and never derive age or sex from them.
The IIN itself is never stored: only an HMAC-SHA256 under a server secret.
"""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app

FIRST_WEIGHTS = tuple(range(1, 12))
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def normalize_iin(raw: str) -> str:
    return "".join(ch for ch in (raw or "") if not ch.isspace())


def control_digit(first11: str) -> int | None:
    digits = [int(c) for c in first11]
    check = sum(w * d for w, d in zip(FIRST_WEIGHTS, digits)) % 11
    if check == 10:
        check = sum(w * d for w, d in zip(SECOND_WEIGHTS, digits)) % 11
        if check == 10:
            return None
    return check


def is_valid_iin(raw: str) -> bool:
    iin = normalize_iin(raw)
    if len(iin) != 12 or not iin.isascii() or not iin.isdigit():
        return False
    expected = control_digit(iin[:11])
    return expected is not None and expected == int(iin[11])


def iin_hmac(raw: str, key: str | None = None) -> str:
    key = key if key is not None else current_app.config["IIN_HMAC_KEY"]
    return hmac.new(key.encode(), normalize_iin(raw).encode(), hashlib.sha256).hexdigest()
