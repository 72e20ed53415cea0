"""The two published JSON documents of a round, as downloads: the frozen pools (at commitment) and the round file."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone

from ecoenforce.planning.models import DrawRound
from ecoenforce.planning.roundfile import dump_round_file


def pools_document(round_: DrawRound) -> dict:
    """What is published at commitment: the commitment, digests, policy and both frozen pools."""
    return {"round_id": round_.round_id, "title": round_.title,
            "committed_at": timezone.localtime(round_.committed_at).isoformat(), "commitment": round_.commitment,
            "pools_digest": round_.pools_digest, "policy_digest": round_.policy_digest, "policy": round_.policy,
            "pools": round_.pools}


def json_download(doc: dict, filename: str) -> HttpResponse:
    """A JSON attachment in the round file's stable, readable layout."""
    response = HttpResponse(dump_round_file(doc), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
