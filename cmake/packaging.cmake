# Installation layout and the Debian package (`cpack -G DEB` in the build directory).
include(GNUInstallDirs)

install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md")

# The unit and /etc/default file: their paths depend on the prefix in force at install
# time (CPack installs with /usr), so they are computed then. The unit names
# /usr/bin/mixtaped; other prefixes get their own bin directory written in.
install(CODE "
  set(prefix \"\${CMAKE_INSTALL_PREFIX}\")
  if(prefix STREQUAL \"/usr\")
    set(etc /etc)
  else()
    set(etc \"\${prefix}/etc\")
  endif()
  file(READ \"${PROJECT_SOURCE_DIR}/tools/mixtaped.service\" unit)
  string(REPLACE \"/usr/bin/mixtaped\" \"\${prefix}/bin/mixtaped\" unit \"\${unit}\")
  string(REPLACE \"/etc/default/mixtaped\" \"\${etc}/default/mixtaped\" unit \"\${unit}\")
  file(WRITE \"\$ENV{DESTDIR}\${prefix}/lib/systemd/system/mixtaped.service\" \"\${unit}\")
  message(STATUS \"Installing: \$ENV{DESTDIR}\${prefix}/lib/systemd/system/mixtaped.service\")
  file(INSTALL \"${PROJECT_SOURCE_DIR}/packaging/mixtaped.default\" DESTINATION \"\${etc}/default\"
       RENAME mixtaped)
")

set(CPACK_PACKAGE_NAME mixtape)
set(CPACK_PACKAGE_VENDOR "mixtape")
set(CPACK_PACKAGE_CONTACT "mixtape maintainers <mixtape@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Self-hosted music collections server (HTTP/JSON, durable journal)")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Stage with DESTDIR and the package's own prefix, so that install(CODE) above sees /usr.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm
    ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
