package alerts

import (
	"io"
	"mime"
	"mime/quotedprintable"
	"strings"
)

func decodeHeader(s string) (string, error) {
	return new(mime.WordDecoder).DecodeHeader(s)
}

func qpReader(s string) io.Reader {
	if i := strings.Index(s, "\r\n\r\n"); i >= 0 {
		s = s[i+4:]
	} else if i := strings.Index(s, "\n\n"); i >= 0 {
		s = s[i+2:]
	}
	return quotedprintable.NewReader(strings.NewReader(s))
}
