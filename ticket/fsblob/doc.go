// Package fsblob is a ticket.BlobStore on a local filesystem: each blob is
// one file below a root directory.
//
// Keys (see ticket.ValidBlobKey) map to paths by segment, and the mapping
// is injective and confined to the root:
//
//   - keys that fail ticket.ValidBlobKey ("..", ".", empty segments,
//     absolute paths, backslashes, any byte outside [A-Za-z0-9._-]) are
//     refused with ticket.ErrValidation before any path is built;
//   - an upper-case letter X is written "^x", so keys differing only in
//     case stay apart on case-insensitive filesystems;
//   - a segment longer than 200 bytes once escaped is written as "=" and
//     the hex SHA-256 of the segment, so that every valid key fits the
//     usual 255-byte file name limit;
//   - the last segment names the file; the segments before it name
//     directories, with "~" appended, so key "a" (a file) and key "a/b"
//     (a file in directory "a~") never meet.
//
// Put writes to a temporary file ("~tmp-" prefix, a name no key maps to)
// in the target directory, syncs it and renames it over the target, so a
// reader sees the previous content or the new one whole, never a part,
// and a failed Put leaves the previous content. The Store holds no
// in-process state, so any number of goroutines and processes may share
// one root. Files are created with mode 0600, directories with 0750.
// Delete leaves empty directories behind (removing them would race with a
// concurrent Put into them).
package fsblob
