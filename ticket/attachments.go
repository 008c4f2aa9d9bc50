package ticket

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gabriel-vasile/mimetype"

	"github.com/sportello/sportello/auth"
)

// Attachment is the metadata of a file attached to a request. The content
// lives in a BlobStore under BlobKey.
type Attachment struct {
	// ID is unique within the tenant.
	ID string
	// Name is the file name the client gave (informative only).
	Name string
	// Size is the content length in bytes.
	Size int64
	// MIME is the media type sniffed from the content, never the client's
	// claim, e.g. "application/pdf" or "text/plain; charset=utf-8".
	MIME string
	// SHA256 is the lower-case hex SHA-256 of the content.
	SHA256 string
	// BlobKey names the content in the BlobStore.
	BlobKey string
	// AuthorID is the principal that attached the file.
	AuthorID string
	// At is when the file was attached (UTC).
	At time.Time
}

// Attach adds a file to the request (parties and agents; never on a closed
// request: ErrClosed). The content is read up to the configured size
// limit; its media type is sniffed from the content (the client's claim is
// never asked for) and must be one of the allowed types; its SHA-256 is
// recorded. The content goes to the BlobStore first and the metadata to
// the Store second, so a failure leaves at worst an unreferenced blob,
// never metadata without content. An empty, too large or disallowed
// content is a *ValidationError on field "content".
func (d *Desk) Attach(ctx context.Context, who auth.Principal, id, name string, content io.Reader) (*Attachment, error) {
	name = baseName(name)
	var v validationErrors
	checkLine(&v, "name", name, true, maxTitle)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := d.editable(ctx, who, id, ActionAttach)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(content, d.cfg.MaxAttachmentSize+1))
	if err != nil {
		return nil, err
	}
	mediaType, err := d.sniff(data)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	a := Attachment{
		ID:       d.cfg.NewID(),
		Name:     name,
		Size:     int64(len(data)),
		MIME:     mediaType,
		SHA256:   hex.EncodeToString(sum[:]),
		AuthorID: who.ID,
	}
	a.BlobKey = blobSegment(r.Tenant) + "/" + blobSegment(r.ID) + "/" + blobSegment(a.ID)
	if err := d.blobs.Put(ctx, a.BlobKey, bytes.NewReader(data)); err != nil {
		return nil, err
	}
	_, err = d.appendTo(ctx, who, id, ActionAttach, r, func(r *Request, now time.Time, _ *noteBatch) (bool, error) {
		a.At = now
		r.Attachments = append(r.Attachments, a)
		r.UpdatedAt = now
		return true, nil
	})
	if err != nil {
		// Best effort: the metadata was not saved, so the blob is unused.
		if derr := d.blobs.Delete(context.WithoutCancel(ctx), a.BlobKey); derr != nil {
			d.log.Warn().Str("tenant", r.Tenant).Str("request_id", r.ID).Msg("ticket: orphan attachment blob left")
		}
		return nil, err
	}
	d.log.Info().Str("tenant", r.Tenant).Str("request_id", r.ID).Str("action", string(ActionAttach)).Str("attachment_id", a.ID).
		Str("mime", mediaType).Int64("size", a.Size).Msg("ticket: attachment added")
	return &a, nil
}

// sniff returns the media type of an attachment's content, detected from
// the content itself (office documents included: a .docx or .odt is named
// as such, not as the zip archive it is), or a *ValidationError on
// "content" when it is empty, too large or of a type not allowed.
func (d *Desk) sniff(data []byte) (string, error) {
	switch {
	case len(data) == 0:
		return "", invalid("content", "required", "is empty")
	case int64(len(data)) > d.cfg.MaxAttachmentSize:
		return "", invalid("content", "max_size", "must be at most "+strconv.FormatInt(d.cfg.MaxAttachmentSize, 10)+" bytes")
	}
	m := mimetype.Detect(data)
	for _, t := range d.allowed {
		if m.Is(t) {
			return m.String(), nil
		}
	}
	return "", invalid("content", "mime_type", "is of a type that is not accepted")
}

// OpenAttachment returns the metadata and the content of an attachment of
// a request who may view; the caller closes the content.
func (d *Desk) OpenAttachment(ctx context.Context, who auth.Principal, id, attachmentID string) (*Attachment, io.ReadCloser, error) {
	r, err := d.load(ctx, who, id)
	if err != nil {
		return nil, nil, err
	}
	if err := Authorize(who, ActionView, r); err != nil {
		return nil, nil, err
	}
	for _, a := range r.Attachments {
		if a.ID == attachmentID {
			rc, err := d.blobs.Get(ctx, a.BlobKey)
			if err != nil {
				return nil, nil, err
			}
			return &a, rc, nil
		}
	}
	return nil, nil, ErrNotFound
}

// baseName keeps the last element of a client path ("C:\x\a.pdf" → "a.pdf").
func baseName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return strings.TrimSpace(name)
}

// blobSegment returns s when it is a valid blob key segment, else a
// hash of it, so any tenant or ID makes a valid key.
func blobSegment(s string) string {
	if len(s) <= 128 && ValidBlobKey(s) && !strings.Contains(s, "/") {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return "h" + hex.EncodeToString(sum[:16])
}
