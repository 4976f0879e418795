import { useEffect } from "react";
import { useLocation, useNavigate } from "@remix-run/react";

interface BridgeGlobal {
  __sandboxAppBridge?: { parentOrigin: string | null };
}

/**
 * Sandbox mode only (ADR 008): the inline session-token script from `sandboxBridgeScript`, plus
 * what App Bridge would do with the admin around the app: report the nav menu and current path to
 * the sandbox admin page, follow its navigation, and hand `shopify://admin/…` links to it.
 */
export function SandboxAppBridge({ script, title }: { script: string; title: string }) {
  const location = useLocation();
  const navigate = useNavigate();
  const path = location.pathname + location.search;

  useEffect(() => {
    const parentOrigin = (window as BridgeGlobal).__sandboxAppBridge?.parentOrigin;
    if (!parentOrigin) return;
    const navMenu = [...document.querySelectorAll<HTMLAnchorElement>("ui-nav-menu a")]
      .filter((link) => link.getAttribute("rel") !== "home")
      .map((link) => ({ label: link.textContent ?? "", path: link.getAttribute("href") ?? "" }));
    window.parent.postMessage({ type: "sandbox-app-bridge:ready", title, navMenu, path }, parentOrigin);
  }, [path, title]);

  useEffect(() => {
    const parentOrigin = (window as BridgeGlobal).__sandboxAppBridge?.parentOrigin;
    if (!parentOrigin) return;
    const onMessage = (event: MessageEvent) => {
      const data = event.data as { type?: string; path?: string } | null;
      if (event.source !== window.parent || event.origin !== parentOrigin) return;
      if (data?.type === "sandbox-app-bridge:navigate" && data.path?.startsWith("/")) navigate(data.path);
    };
    const onClick = (event: MouseEvent) => {
      const link = (event.target as Element | null)?.closest?.("a[href^='shopify:']");
      if (!link) return;
      event.preventDefault();
      const path = link.getAttribute("href")!.replace(/^shopify:\/*admin/, "");
      window.parent.postMessage({ type: "sandbox-app-bridge:admin-navigate", path }, parentOrigin);
    };
    window.addEventListener("message", onMessage);
    document.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("message", onMessage);
      document.removeEventListener("click", onClick, true);
    };
  }, [navigate]);

  return (
    <>
      {/* App Bridge shows the nav menu in the admin's sidebar, never inside the app. */}
      <style dangerouslySetInnerHTML={{ __html: "ui-nav-menu { display: none; }" }} />
      <script dangerouslySetInnerHTML={{ __html: script }} />
    </>
  );
}
