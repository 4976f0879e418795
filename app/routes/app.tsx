import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { authenticate } from "../shopify.server";
import { env } from "../env.server";
import { sandboxBridgeScript } from "../admin/sandbox-bridge.server";
import { SandboxAppBridge } from "../components/SandboxAppBridge";

// Polaris Viz's styles load with the layout: a chart measures its container when it mounts, and
// a stylesheet still loading after a client-side navigation would give it the wrong size.
export const links = () => [
  { rel: "stylesheet", href: polarisStyles },
  { rel: "stylesheet", href: vizStyles },
];

const APP_TITLE = "Agentic Commerce";

/** The frame's document title (screen readers announce it; the admin shows its own). */
export const meta: MetaFunction = () => [{ title: APP_TITLE }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  const apiKey = env().SHOPIFY_API_KEY;
  return { apiKey, sandboxBridge: sandboxBridgeScript(apiKey) };
};

export default function App() {
  const { apiKey, sandboxBridge } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  return (
    // In sandbox mode the CDN App Bridge cannot load; the sandbox bridge stands in (ADR 008).
    <AppProvider isEmbeddedApp={!sandboxBridge} apiKey={apiKey}>
      {sandboxBridge ? <SandboxAppBridge script={sandboxBridge} title={APP_TITLE} /> : null}
      <NavMenu>
        <Link to="/app" rel="home">
          Home
        </Link>
        <Link to="/app/agents">Agents</Link>
        <Link to="/app/fees">Fees</Link>
        <Link to="/app/orders">Orders from agents</Link>
        <Link to="/app/test-purchase">Test purchase</Link>
        <Link to="/app/feed">Feed</Link>
        <Link to="/app/settings">Settings</Link>
      </NavMenu>
      {navigation.state !== "idle" ? (
        <div className="app-busy" role="progressbar" aria-label="Loading" />
      ) : null}
      {/* Raw CSS: React would escape the quotes in a text child, and the browser would keep them escaped. */}
      <style dangerouslySetInnerHTML={{ __html: BUSY_BAR_CSS }} />
      <Outlet />
    </AppProvider>
  );
}

/** A thin bar while a page loads or a form submits (Polaris' Loading needs a Frame we do not use). */
const BUSY_BAR_CSS = `
.app-busy { position: fixed; top: 0; left: 0; right: 0; height: 3px; z-index: 1000; overflow: hidden; }
.app-busy::after { content: ""; position: absolute; inset: 0; width: 40%; background: #005bd3;
  animation: app-busy 1s ease-in-out infinite; }
@keyframes app-busy { from { transform: translateX(-100%); } to { transform: translateX(250%); } }
@media (prefers-reduced-motion: reduce) { .app-busy::after { animation: none; width: 100%; opacity: .5; } }
`;

// Shopify needs Remix to catch some thrown responses so that their headers are included.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
