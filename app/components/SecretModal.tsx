import { useState } from "react";
import { BlockStack, Banner, Box, Button, InlineStack, Modal, Text } from "@shopify/polaris";

/**
 * Shows a secret right after it was made. It is not stored in readable form, so closing this is
 * the last chance to copy it: the modal says so and offers a copy button.
 */
export function SecretModal({
  open,
  title,
  label,
  secret,
  onClose,
}: {
  open: boolean;
  title: string;
  label: string;
  secret: string;
  onClose: () => void;
}) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Modal open={open} onClose={onClose} title={title} primaryAction={{ content: "Done", onAction: onClose }}>
      <Modal.Section>
        <BlockStack gap="300">
          <Banner tone="warning">
            <Text as="p">Copy it now: you will not be able to see it again.</Text>
          </Banner>
          <Text as="p" variant="bodyMd" fontWeight="semibold">
            {label}
          </Text>
          <Box padding="300" background="bg-surface-secondary" borderRadius="200">
            <Text as="p" variant="bodyMd" breakWord>
              <code data-testid="revealed-secret">{secret}</code>
            </Text>
          </Box>
          <InlineStack gap="200" blockAlign="center">
            <Button onClick={copy}>Copy</Button>
            {copied ? (
              <Text as="span" tone="success">
                Copied
              </Text>
            ) : null}
          </InlineStack>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
