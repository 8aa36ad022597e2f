module github.com/ossfc/ossfc

go 1.26.8
