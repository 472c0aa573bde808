"""Response schemas of the case's dossier: the documents in its file."""

from __future__ import annotations

from marshmallow import fields

from service.http.fields import Day, Strict


class CaseDocumentOut(Strict):
    """A document in the case's file: what its event recorded, corrections applied."""

    document_id = fields.String(metadata={"description": "Its SHA-256: GET …/documents/{id}."})
    sha256 = fields.String(metadata={"description": "SHA-256 of the bytes, hex."})
    title = fields.String(allow_none=True)
    media_type = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True, metadata={"description": "Bytes."})
    occurred_on = Day()
    recorded_at = fields.String()
    recorded_late = fields.Boolean()
    event_id = fields.String(metadata={"description": "The document event that added it."})
    version = fields.Integer(metadata={"description": "That event's case version."})


class CaseDocumentPage(Strict):
    case_id = fields.String()
    items = fields.List(fields.Nested(CaseDocumentOut))
    next = fields.String(allow_none=True, metadata={"description": "Cursor of the next page."})
