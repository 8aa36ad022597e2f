// Command quickstart puts an Object FC Access Point in front of a bucket and
// reads a photograph through it, resized by the image example function. It
// uses only the official OSS Go SDK v2, as any OSS application would.
//
// Start ossfc, deploy the image function and run quick authorization first
// (see the README's "Object FC Access Points" section), then:
//
//	set -a; . data/credentials; set +a
//	go run ./examples/quickstart photo.jpg
//
// OSSFC_ENDPOINT (default http://127.0.0.1:9000) and OSSFC_REGION (default
// cn-hangzhou) say where the server is.
package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"
	"log"
	"os"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: quickstart PHOTO")
	}
	photo := os.Args[1]
	account := os.Getenv("OSSFC_ACCOUNT_ID")
	region := getenv("OSSFC_REGION", "cn-hangzhou")
	client := oss.NewClient(oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(
			os.Getenv("OSSFC_ROOT_ACCESS_KEY_ID"), os.Getenv("OSSFC_ROOT_ACCESS_KEY_SECRET"))).
		WithRegion(region).
		WithEndpoint(getenv("OSSFC_ENDPOINT", "http://127.0.0.1:9000")))
	ctx := context.Background()

	// 1. A bucket with the photograph, and a plain access point on it: the
	// supporting access point of the Object FC Access Point.
	_, err := client.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("photos")})
	exitUnless(err, "BucketAlreadyExists")
	_, err = client.PutObjectFromFile(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("photos"), Key: oss.Ptr("photo.jpg")}, photo)
	exitUnless(err)
	_, err = client.CreateAccessPoint(ctx, &oss.CreateAccessPointRequest{
		Bucket: oss.Ptr("photos"),
		CreateAccessPointConfiguration: &oss.CreateAccessPointConfiguration{
			AccessPointName: oss.Ptr("photos-ap"), NetworkOrigin: oss.Ptr("internet"),
		},
	})
	exitUnless(err, "AccessPointAlreadyExists")

	// 2. The Object FC Access Point: GetObject through its alias runs the
	// image function, which OSS invokes with the role
	// AliyunOSSObjectFcForOSSDefaultRole.
	_, err = client.CreateAccessPointForObjectProcess(ctx, &oss.CreateAccessPointForObjectProcessRequest{
		Bucket:                          oss.Ptr("photos"),
		AccessPointForObjectProcessName: oss.Ptr("thumbnails"),
		CreateAccessPointForObjectProcessConfiguration: &oss.CreateAccessPointForObjectProcessConfiguration{
			AccessPointName: oss.Ptr("photos-ap"),
			ObjectProcessConfiguration: &oss.ObjectProcessConfiguration{
				AllowedFeatures: &oss.ObjectProcessAllowedFeatures{AllowedFeatures: []string{"GetObject-Range"}},
				TransformationConfigurations: &oss.TransformationConfigurations{
					TransformationConfigurations: []oss.TransformationConfiguration{{
						Actions: &oss.AccessPointActions{Actions: []string{"GetObject"}},
						ContentTransformation: &oss.ContentTransformation{
							FunctionCompute: &oss.ObjectProcessFunctionCompute{
								FunctionArn:           oss.Ptr("acs:fc:" + region + ":" + account + ":functions/image"),
								FunctionAssumeRoleArn: oss.Ptr("acs:ram::" + account + ":role/aliyunossobjectfcforossdefaultrole"),
							},
						},
					}},
				},
			},
		},
	})
	exitUnless(err, "AccessPointForObjectProcessAlreadyExists")
	ap, err := client.GetAccessPointForObjectProcess(ctx, &oss.GetAccessPointForObjectProcessRequest{
		Bucket: oss.Ptr("photos"), AccessPointForObjectProcessName: oss.Ptr("thumbnails"),
	})
	exitUnless(err)
	alias := oss.ToString(ap.AccessPointForObjectProcessAlias)

	// 3. The same GetObject a client always sends, with the alias as the
	// bucket: the caller receives what the function wrote.
	for _, bucket := range []string{"photos", alias} {
		res, err := client.GetObject(ctx, &oss.GetObjectRequest{
			Bucket: oss.Ptr(bucket), Key: oss.Ptr("photo.jpg"), Process: oss.Ptr("image/resize,w_100"),
		})
		if bucket == "photos" {
			// A plain bucket does not process images in ossfc.
			fmt.Printf("%-52s %v\n", bucket, errorCode(err))
			continue
		}
		exitUnless(err)
		cfg, format, err := image.DecodeConfig(res.Body)
		res.Body.Close()
		exitUnless(err)
		fmt.Printf("%-52s %s %dx%d\n", bucket, format, cfg.Width, cfg.Height)
	}
}

func getenv(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// exitUnless stops the program on err unless it is an OSS error with one of
// the codes in ok (which a second run meets).
func exitUnless(err error, ok ...string) {
	if err == nil {
		return
	}
	var se *oss.ServiceError
	if errors.As(err, &se) {
		for _, code := range ok {
			if se.Code == code {
				return
			}
		}
	}
	log.Fatal(err)
}

func errorCode(err error) string {
	var se *oss.ServiceError
	if errors.As(err, &se) {
		return fmt.Sprintf("%d %s", se.StatusCode, se.Code)
	}
	return fmt.Sprint(err)
}
