"""The response shapes of the proof endpoints: signed tree heads and consistency proofs."""

from __future__ import annotations

from marshmallow import fields, validate

from service.http.fields import Strict

HEX_HASH = "SHA-256, hex."


class TreeHeadOut(Strict):
    tenant = fields.String()
    tree_size = fields.Integer(metadata={"description": "How many feed lines the log holds."})
    root_hash = fields.String(metadata={"description": "The Merkle root (RFC 9162), hex."})
    created_at = fields.String()
    key_id = fields.String(metadata={"description": "SHA-256 of the raw public key, hex."})
    public_key = fields.String(metadata={"description": "Ed25519 public key, raw, hex."})
    signature = fields.String(
        metadata={"description": "Ed25519, hex, over the canonical JSON of the fields above."}
    )
    timestamp_token = fields.String(
        metadata={
            "description": "RFC 3161 TimeStampResp, base64 DER, over SHA-256 of the signed "
            "bytes; absent without a timestamp authority."
        }
    )


class ConsistencyOut(Strict):
    from_ = fields.Nested(TreeHeadOut, data_key="from")
    to = fields.Nested(TreeHeadOut)
    proof = fields.List(
        fields.String(),
        metadata={"description": "RFC 9162 §2.1.4 consistency path, hex hashes, in order."},
    )


class ConsistencyArgs(Strict):
    from_ = fields.Integer(
        required=True,
        data_key="from",
        validate=validate.Range(min=1, max=10**18),
        metadata={"description": "The older tree size (it has a signed head)."},
    )
    to = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=10**18),
        metadata={"description": "The newer tree size (it has a signed head)."},
    )


class CaseProofArgs(Strict):
    since = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=10**18),
        metadata={
            "description": "Also prove the log grew from this tree size (a head the reader kept)."
        },
    )
