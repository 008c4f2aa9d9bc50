package ticket_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/sportello/sportello/ticket"
)

// zipOf returns a zip archive of files, in order; stored (uncompressed)
// entries where store says so, as OpenDocument requires of "mimetype".
func zipOf(t *testing.T, files []zipFile) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, f := range files {
		method := zip.Deflate
		if f.store {
			method = zip.Store
		}
		fw, err := w.CreateHeader(&zip.FileHeader{Name: f.name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write([]byte(f.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type zipFile struct {
	name, body string
	store      bool
}

// docx is a minimal Word document: the OOXML package parts.
func docx(t *testing.T) []byte {
	return zipOf(t, []zipFile{
		{name: "[Content_Types].xml", body: `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{name: "_rels/.rels", body: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{name: "word/document.xml", body: `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>`},
	})
}

// odt is a minimal OpenDocument text: "mimetype" first and stored, then
// the manifest and the content.
func odt(t *testing.T) []byte {
	return zipOf(t, []zipFile{
		{name: "mimetype", body: "application/vnd.oasis.opendocument.text", store: true},
		{name: "META-INF/manifest.xml", body: `<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/></manifest:manifest>`},
		{name: "content.xml", body: `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>`},
	})
}

// pdf is a minimal PDF: header, one object, trailer.
const pdf = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

func pngImage(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 255, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The media type of an attachment is detected from its content, office
// documents included (a .docx or .odt is not "application/zip"), whatever
// name the client gave.
func TestAttachmentTypesDetectedFromContent(t *testing.T) {
	f := newFixture(t, nil)
	r := f.newRequest(t)
	tests := []struct {
		name    string
		content []byte
		want    string
	}{
		{"report.docx", docx(t), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"report.odt", odt(t), "application/vnd.oasis.opendocument.text"},
		{"scan.pdf", []byte(pdf), "application/pdf"},
		{"photo.png", pngImage(t), "image/png"},
		{"archive.zip", zipOf(t, []zipFile{{name: "a.txt", body: "a"}}), "application/zip"},
		{"notes.txt", []byte("plain notes\n"), "text/plain; charset=utf-8"},
		{"disguised.pdf", docx(t), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	}
	for _, tt := range tests {
		a, err := f.desk.Attach(f.ctx, f.requester, r.ID, tt.name, bytes.NewReader(tt.content))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if a.MIME != tt.want {
			t.Errorf("%s: MIME %q, want %q", tt.name, a.MIME, tt.want)
		}
	}
	for name, content := range map[string]string{
		"page.pdf":   "<!DOCTYPE html><html><script>alert(1)</script></html>",
		"binary.exe": "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",
	} {
		_, err := f.desk.Attach(f.ctx, f.requester, r.ID, name, bytes.NewReader([]byte(content)))
		var ve *ticket.ValidationError
		if !errors.As(err, &ve) || !ve.Has("content", "mime_type") {
			t.Errorf("%s: %v, want a mime_type failure", name, err)
		}
	}
}
