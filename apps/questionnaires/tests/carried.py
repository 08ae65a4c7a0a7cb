"""A scan without an account keeps its answers in the browser (a signed cookie): tests put
them there as a browser would have, or a changed or forged cookie instead."""

import contextlib
import json

from django.http import HttpResponse

from apps.questionnaires import anonymous_answers
from apps.questionnaires.selectors import self_scan_version


def carry_answers(client, code: str, answers) -> None:
    """`answers` as a mapping (signed, as our pages write it, even when its values are
    wrong), or as text: JSON of a mapping is signed too, anything else is put in the cookie
    as it is, unsigned, like a forged cookie."""
    if isinstance(answers, str):
        with contextlib.suppress(ValueError, RecursionError):
            answers = json.loads(answers)
    if not isinstance(answers, dict):
        client.cookies[anonymous_answers.COOKIE] = str(answers)
        return
    written = HttpResponse()
    anonymous_answers.write(written, self_scan_version(code=code), answers)
    client.cookies[anonymous_answers.COOKIE] = written.cookies[anonymous_answers.COOKIE].value
