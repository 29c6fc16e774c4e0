#!/bin/sh
# LocalStack runs this when it is ready (mounted into /etc/localstack/init/ready.d by docker-compose.yml):
# the DynamoDB table of components/aws-emulator/statestore.yaml, partition key `key` (a string) as Dapr expects.
# SNS topics and SQS queues need nothing here: Dapr creates them on first use.
set -eu
awslocal dynamodb create-table \
  --table-name asyncmcp-state \
  --attribute-definitions AttributeName=key,AttributeType=S \
  --key-schema AttributeName=key,KeyType=HASH \
  --billing-mode PAY_PER_REQUEST >/dev/null
echo "asyncmcp: DynamoDB table asyncmcp-state created"
