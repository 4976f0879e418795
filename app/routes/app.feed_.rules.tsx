import { useEffect, useState } from "react";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  ChoiceList,
  FormLayout,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { rulesForm, saveRulesForm } from "../catalog/admin.server";
import { fieldError, FormErrorBanner } from "../components/FormErrors";
import { RouteError } from "../components/RouteError";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return rulesForm(session.shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const result = await saveRulesForm(session.shop, await request.formData());
  return data(result, { status: result.ok ? 200 : 400 });
};

const LIST_FIELDS = [
  { name: "collections", label: "Collections", help: "Collection handles, e.g. summer-sale" },
  { name: "tags", label: "Tags", help: "Compared without case, as Shopify does" },
  { name: "productTypes", label: "Product types", help: "" },
  { name: "vendors", label: "Vendors", help: "" },
] as const;

type Mapping = { namespace: string; key: string; field: string };

export default function FeedRules() {
  const form = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const saving = navigation.state === "submitting";
  const [include, setInclude] = useState(form.include);
  const [exclude, setExclude] = useState(form.exclude);
  const [mappings, setMappings] = useState<Mapping[]>(form.metafieldMappings);
  // After a save the loader returns the normalized rules: show those. A refused save keeps what the
  // merchant typed, next to the errors.
  const saved = result?.ok === true;
  useEffect(() => {
    if (!saved) return;
    setInclude(form.include);
    setExclude(form.exclude);
    setMappings(form.metafieldMappings);
  }, [form, saved]);

  const error = (field: string) => fieldError(result, "rules", field);
  const targetOptions = [
    { label: "Choose a field", value: "" },
    ...form.targets.map((target) => ({ label: target, value: target })),
  ];

  return (
    <Page
      title="Feed rules"
      backAction={{ content: "Product feed", url: "/app/feed" }}
      secondaryActions={[{ content: "Preview", url: "/app/feed/preview" }]}
    >
      <Form method="post">
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <FormErrorBanner result={result} intent="rules" />
              {result?.ok ? (
                <Banner tone="success" title="Rules saved">
                  <Text as="p">A full sync has been queued; the preview updates when it finishes.</Text>
                </Banner>
              ) : null}
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Include
                  </Text>
                  <Text as="p" tone="subdued">
                    A product must match every list you fill in (any value of a list). Separate values with
                    commas; leave a list empty to include everything.
                  </Text>
                  <FormLayout>
                    <ChoiceList
                      allowMultiple
                      title="Product status"
                      name="include.statuses"
                      choices={[
                        { label: "Active", value: "ACTIVE" },
                        { label: "Draft", value: "DRAFT" },
                        { label: "Archived", value: "ARCHIVED" },
                      ]}
                      selected={include.statuses}
                      onChange={(statuses) => setInclude({ ...include, statuses })}
                      error={error("include.statuses")}
                    />
                    <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
                      {LIST_FIELDS.map((field) => (
                        <TextField
                          key={field.name}
                          label={field.label}
                          name={`include.${field.name}`}
                          value={include[field.name]}
                          onChange={(value) => setInclude({ ...include, [field.name]: value })}
                          helpText={field.help}
                          error={error(`include.${field.name}`)}
                          autoComplete="off"
                        />
                      ))}
                    </InlineGrid>
                  </FormLayout>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Exclude
                  </Text>
                  <Text as="p" tone="subdued">
                    A product matching any of these is left out, even if it is included above.
                  </Text>
                  <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
                    {LIST_FIELDS.map((field) => (
                      <TextField
                        key={field.name}
                        label={`Excluded ${field.label.toLowerCase()}`}
                        name={`exclude.${field.name}`}
                        value={exclude[field.name]}
                        onChange={(value) => setExclude({ ...exclude, [field.name]: value })}
                        error={error(`exclude.${field.name}`)}
                        autoComplete="off"
                      />
                    ))}
                  </InlineGrid>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <InlineStack align="space-between" blockAlign="center">
                    <Text as="h2" variant="headingMd">
                      Metafield mappings
                    </Text>
                    <Button
                      onClick={() => setMappings([...mappings, { namespace: "", key: "", field: "" }])}
                      disabled={mappings.length >= 100}
                    >
                      Add mapping
                    </Button>
                  </InlineStack>
                  <Text as="p" tone="subdued">
                    A product or variant metafield fills a feed field, and wins over what the app derives.
                  </Text>
                  {mappings.length === 0 ? (
                    <Text as="p" tone="subdued">
                      No mappings.
                    </Text>
                  ) : (
                    mappings.map((mapping, index) => {
                      const update = (patch: Partial<Mapping>) =>
                        setMappings(mappings.map((m, i) => (i === index ? { ...m, ...patch } : m)));
                      return (
                        <InlineGrid
                          key={index}
                          columns={["twoThirds", "twoThirds", "twoThirds", "oneThird"]}
                          gap="200"
                        >
                          <TextField
                            label="Namespace"
                            name={`metafieldMappings.${index}.namespace`}
                            value={mapping.namespace}
                            onChange={(namespace) => update({ namespace })}
                            error={error(`metafieldMappings.${index}.namespace`)}
                            autoComplete="off"
                          />
                          <TextField
                            label="Key"
                            name={`metafieldMappings.${index}.key`}
                            value={mapping.key}
                            onChange={(key) => update({ key })}
                            error={error(`metafieldMappings.${index}.key`)}
                            autoComplete="off"
                          />
                          <Select
                            label="Feed field"
                            name={`metafieldMappings.${index}.field`}
                            options={targetOptions}
                            value={mapping.field}
                            onChange={(field) => update({ field })}
                            error={error(`metafieldMappings.${index}.field`)}
                          />
                          <div style={{ alignSelf: "end" }}>
                            <Button
                              tone="critical"
                              variant="plain"
                              accessibilityLabel={`Remove mapping ${index + 1}`}
                              onClick={() => setMappings(mappings.filter((_, i) => i !== index))}
                            >
                              Remove
                            </Button>
                          </div>
                        </InlineGrid>
                      );
                    })
                  )}
                </BlockStack>
              </Card>
              <InlineStack align="end">
                <Button variant="primary" submit loading={saving}>
                  Save rules
                </Button>
              </InlineStack>
            </BlockStack>
          </Layout.Section>
        </Layout>
      </Form>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Feed rules" />;
}
